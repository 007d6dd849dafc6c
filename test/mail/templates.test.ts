import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ConfigError } from "../../src/config/load";
import { LOCALES } from "../../src/lib/locale";
import { compileMailTemplates, createMailRenderer } from "../../src/mail/renderer";
import { mailRendererFrom } from "../../src/mail/setup";
import { MAIL_TEMPLATE_NAMES, MAIL_TEMPLATES, sampleValuesOf } from "../../src/mail/template-specs";
import { deletionScheduledMail, emailChangeRequestedMail } from "../../src/mail/templates";

const builtin = createMailRenderer(compileMailTemplates());
const LEFTOVER = /\{\{|\}\}|\{%|%\}/;

describe("built-in mail templates", () => {
  for (const locale of LOCALES) {
    test(`every template renders in ${locale}, with its values and no leftover placeholder`, () => {
      for (const template of MAIL_TEMPLATE_NAMES) {
        const values: Record<string, string | number> = {
          ...sampleValuesOf(template),
          ...("code" in sampleValuesOf(template) ? { code: "907153" } : {}),
        };
        const mail = builtin.render({ template, values }, locale);
        for (const part of [mail.subject, mail.text, mail.html]) {
          expect(part.length).toBeGreaterThan(0);
          expect(part).not.toMatch(LEFTOVER);
        }
        expect(mail.subject).not.toMatch(/\n/);
        expect(mail.html).toStartWith("<!doctype html>");
        // What the person must act on (a code, a cancellation code) is in both body parts.
        for (const required of MAIL_TEMPLATES[template].required as readonly string[]) {
          expect(mail.text).toContain(String(values[required]));
          expect(mail.html).toContain(String(values[required]));
        }
        if ((MAIL_TEMPLATES[template].variables as readonly string[]).includes("code")) {
          for (const part of [mail.subject, mail.text, mail.html]) expect(part).toContain("907153");
          // The lifetime is said with its number and the right plural.
          expect(mail.text).toMatch(/ 2 (minutes|Minuten|minutos)/);
        }
      }
    });
  }

  test("each language has its own words for every template, not English copies", () => {
    for (const template of MAIL_TEMPLATE_NAMES) {
      const subjects = LOCALES.map((locale) => builtin.render({ template, values: sampleValuesOf(template) }, locale).subject);
      expect(new Set(subjects).size).toBe(LOCALES.length);
    }
  });

  test("one minute is singular in every language", () => {
    const singular = { en: "1 minute ", de: "1 Minute ", fr: "1 minute ", es: "1 minuto " };
    for (const locale of LOCALES) {
      const mail = builtin.render({ template: "code_reset", values: { code: "1", minutes: 1 } }, locale);
      expect(mail.text).toContain(singular[locale]);
    }
  });

  test("the undo notices link to the page's undo form with PUBLIC_URL, and give the code alone without it", () => {
    const due = new Date("2026-12-14T09:30:00Z");
    for (const locale of LOCALES) {
      const linked = builtin.render(deletionScheduledMail(due, 7, "Tok3nTok3nTok3nTok3n", "https://auth.example.org/"), locale);
      expect(linked.text).toContain("https://auth.example.org/#undo-deletion=Tok3nTok3nTok3nTok3n");
      expect(linked.html).toContain("https://auth.example.org/#undo-deletion=Tok3nTok3nTok3nTok3n");
      const plain = builtin.render(deletionScheduledMail(due, 7, "Tok3nTok3nTok3nTok3n"), locale);
      expect(plain.text).toContain("Tok3nTok3nTok3nTok3n");
      expect(plain.text).not.toContain("#undo-");
      const change = builtin.render(
        emailChangeRequestedMail("new@example.com", due, "Tok3nTok3nTok3nTok3n", "https://auth.example.org"),
        locale,
      );
      expect(change.text).toContain("https://auth.example.org/#undo-email=Tok3nTok3nTok3nTok3n");
    }
  });

  test("values are escaped in the HTML part only", () => {
    const mail = builtin.render({ template: "code_signin", values: { code: `<img src=x onerror="a()">&`, minutes: 2 } }, "fr");
    expect(mail.html).not.toContain("<img");
    expect(mail.html).toContain("&lt;img src=x onerror=&#34;a()&#34;&gt;&amp;");
    expect(mail.text).toContain(`<img src=x onerror="a()">&`);
  });
});

describe("MAIL_TEMPLATES_DIR overrides", () => {
  let root: string;
  let n = 0;
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), "otp-auth-templates-"));
  });
  afterAll(() => rm(root, { recursive: true, force: true }));

  /** A fresh templates folder holding these files (path relative to it → content). */
  async function folder(files: Record<string, string>): Promise<string> {
    const dir = join(root, String(n++));
    for (const [path, content] of Object.entries(files)) {
      await mkdir(join(dir, path, ".."), { recursive: true });
      await writeFile(join(dir, path), content);
    }
    return dir;
  }

  /** The problems mailRendererFrom refuses the folder with. */
  function problemsOf(dir: string): string[] {
    try {
      mailRendererFrom({ MAIL_TEMPLATES_DIR: dir });
    } catch (error) {
      if (error instanceof ConfigError) return error.problems;
      throw error;
    }
    throw new Error("the folder was accepted");
  }

  test("an override replaces its part in its language; the rest stays built in", async () => {
    const dir = await folder({
      "de/code_register.subject.liquid": "Acme: {{ code }}\n",
      "de/code_register.text.liquid": "Hallo! Code: {{ code }} ({{ minutes }} Min.)\n",
    });
    const renderer = mailRendererFrom({ MAIL_TEMPLATES_DIR: dir });
    const german = renderer.render({ template: "code_register", values: { code: "555111", minutes: 3 } }, "de");
    expect(german.subject).toBe("Acme: 555111");
    expect(german.text).toBe("Hallo! Code: 555111 (3 Min.)\n");
    expect(german.html).toContain("Ihr Bestätigungscode lautet:");
    const english = renderer.render({ template: "code_register", values: { code: "555111", minutes: 3 } }, "en");
    expect(english.subject).toBe("555111 is your verification code");
  });

  test("an override's HTML escapes values; its subject is kept to one line", async () => {
    const dir = await folder({
      "en/code_signin.html.liquid": "<p>Code <b>{{ code }}</b></p>",
      "en/code_signin.subject.liquid": "Line one\nline {{ code }}\r\n",
    });
    const mail = mailRendererFrom({ MAIL_TEMPLATES_DIR: dir }).render(
      { template: "code_signin", values: { code: `"><script>x</script>`, minutes: 2 } },
      "en",
    );
    expect(mail.html).toBe("<p>Code <b>&#34;&gt;&lt;script&gt;x&lt;/script&gt;</b></p>");
    expect(mail.subject).toBe(`Line one line "><script>x</script>`);
  });

  test("an unknown placeholder refuses the start, naming the file, the placeholder and its line", async () => {
    const dir = await folder({ "fr/code_reset.text.liquid": "Bonjour,\nvotre code : {{ cdoe }}\n" });
    const problems = problemsOf(dir);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain("MAIL_TEMPLATES_DIR: fr/code_reset.text.liquid: unknown placeholder {{ cdoe }} on line 2");
  });

  test("a missing code refuses the start, naming the file and the placeholder", async () => {
    const dir = await folder({ "es/code_signin.html.liquid": "<p>Tu código caduca en {{ minutes }} minutos.</p>" });
    expect(problemsOf(dir)).toEqual([
      "MAIL_TEMPLATES_DIR: es/code_signin.html.liquid: missing placeholder {{ code }} (code_signin must show it)",
    ]);
  });

  test("a malformed template, an unknown filter, an unknown file or language each refuse the start", async () => {
    const dir = await folder({
      "en/code_register.text.liquid": "Your code {{ code ",
      "en/password_changed.text.liquid": "{% if %}x",
      "de/mfa_enabled.text.liquid": "{{ 'x' | nosuchfilter }}",
      "de/code_registre.text.liquid": "{{ code }}",
      "de/code_register.body.liquid": "{{ code }}",
      "it/code_register.text.liquid": "{{ code }}",
    });
    const problems = problemsOf(dir).join("\n");
    expect(problems).toContain("en/code_register.text.liquid: malformed template");
    expect(problems).toContain("en/password_changed.text.liquid: malformed template");
    expect(problems).toContain("de/mfa_enabled.text.liquid:");
    expect(problems).toContain("de/code_registre.text.liquid: unknown file");
    expect(problems).toContain("de/code_register.body.liquid: unknown file");
    expect(problems).toContain("it: not a language folder");
  });

  test("a notice takes no placeholder at all; a missing folder is a problem too", async () => {
    const dir = await folder({ "en/already_registered.text.liquid": "Hi {{ email }}" });
    expect(problemsOf(dir)[0]).toContain(
      "en/already_registered.text.liquid: unknown placeholder {{ email }} on line 1 (already_registered has none)",
    );
    expect(problemsOf(join(root, "nowhere"))[0]).toContain("is not a readable directory");
  });

  test("include and render find no file: templates cannot read the filesystem", async () => {
    const dir = await folder({ "en/code_register.text.liquid": "{{ code }}{% include '/etc/passwd' %}" });
    expect(problemsOf(dir)[0]).toContain("en/code_register.text.liquid:");
  });
});
