// One input per digit: typing advances, Backspace goes back, a pasted or autofilled code fills every box.
import { t } from "./i18n.js";

export function createCodeBoxes(container) {
  let boxes = [];
  const focusBox = (index) => {
    const box = boxes[Math.max(0, Math.min(index, boxes.length - 1))];
    box?.focus();
    box?.select();
  };

  /** Writes digits into the boxes from `start` on and focuses the box after the last one written. */
  function fillFrom(start, digits) {
    const slice = [...digits.slice(0, boxes.length - start)];
    slice.forEach((digit, offset) => (boxes[start + offset].value = digit));
    focusBox(start + slice.length);
  }

  const moves = { ArrowLeft: -1, ArrowRight: 1, Home: -99, End: 99 };

  function onKeyDown(event, index) {
    const box = boxes[index];
    const { key } = event;
    if (event.ctrlKey || event.metaKey || event.altKey || key === "Tab" || key === "Enter") return;
    if (key.length > 1 && !(key in moves) && key !== "Backspace" && key !== "Delete") return;
    event.preventDefault(); // letters and signs never enter a box
    if (/^\d$/.test(key)) {
      box.value = key; // replace rather than append, so a filled box takes the new digit
      focusBox(index + 1);
    } else if (key === "Backspace" && !box.value && index > 0) {
      boxes[index - 1].value = "";
      focusBox(index - 1);
    } else if (key === "Backspace" || key === "Delete") {
      box.value = "";
    } else if (key in moves) {
      focusBox(index + moves[key]);
    }
  }

  // Phones' keyboards and autofill do not always send key events; the input event covers them.
  function onInput(event, index) {
    const box = boxes[index];
    const digits = box.value.replace(/\D/g, "");
    if (event.inputType === "insertText" && /^\d$/.test(event.data)) {
      box.value = event.data;
      focusBox(index + 1);
    } else if (digits.length > 1) {
      box.value = "";
      fillFrom(digits.length >= boxes.length ? 0 : index, digits);
    } else {
      box.value = digits;
      if (digits) focusBox(index + 1);
    }
  }

  return {
    build(length) {
      boxes = Array.from({ length }, (_, index) => {
        const box = Object.assign(document.createElement("input"), {
          type: "text", className: "box", inputMode: "numeric", pattern: "[0-9]*", spellcheck: false,
          // The first box takes the whole code when a phone offers it from the mail.
          autocomplete: index ? "off" : "one-time-code",
        });
        box.setAttribute("aria-label", t("Digit {n} of {length}", { n: index + 1, length }));
        box.addEventListener("keydown", (event) => onKeyDown(event, index));
        box.addEventListener("input", (event) => onInput(event, index));
        box.addEventListener("focus", () => box.select());
        return box;
      });
      container.replaceChildren(...boxes);
    },
    /** Fills the boxes from a pasted text (all of them for a whole code); false when it holds no digit. */
    paste(text) {
      const digits = text.replace(/\D/g, "");
      const focused = boxes.indexOf(document.activeElement);
      if (digits) fillFrom(digits.length >= boxes.length || focused < 0 ? 0 : focused, digits);
      return Boolean(digits);
    },
    value: () => boxes.map((box) => box.value).join(""),
    get length() {
      return boxes.length;
    },
    focus: focusBox,
    focusFirstEmpty() {
      const empty = boxes.findIndex((box) => !box.value);
      focusBox(empty < 0 ? boxes.length : empty);
    },
    clear: () => boxes.forEach((box) => (box.value = "")),
    setInvalid: (invalid) => boxes.forEach((box) => (invalid ? box.setAttribute("aria-invalid", "true") : box.removeAttribute("aria-invalid"))),
  };
}
