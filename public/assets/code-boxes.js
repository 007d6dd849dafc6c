// One input per digit: typing advances, Backspace goes back, a pasted or autofilled code fills every box.

export function createCodeBoxes(container) {
  let boxes = [];

  const focusBox = (index) => {
    const box = boxes[Math.max(0, Math.min(index, boxes.length - 1))];
    box?.focus();
    box?.select();
  };

  /** Writes digits into the boxes from `start` on and focuses the box after the last one written. */
  function fillFrom(start, digits) {
    const slice = digits.slice(0, boxes.length - start);
    [...slice].forEach((digit, offset) => (boxes[start + offset].value = digit));
    focusBox(start + slice.length);
  }

  function onKeyDown(event, index) {
    const box = boxes[index];
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    if (/^\d$/.test(event.key)) {
      // Replace rather than append, so a filled box takes the new digit.
      event.preventDefault();
      box.value = event.key;
      focusBox(index + 1);
    } else if (event.key === "Backspace") {
      event.preventDefault();
      if (box.value) box.value = "";
      else if (index > 0) {
        boxes[index - 1].value = "";
        focusBox(index - 1);
      }
    } else if (event.key === "Delete") {
      event.preventDefault();
      box.value = "";
    } else if (event.key === "ArrowLeft" || event.key === "ArrowRight") {
      event.preventDefault();
      focusBox(index + (event.key === "ArrowLeft" ? -1 : 1));
    } else if (event.key === "Home" || event.key === "End") {
      event.preventDefault();
      focusBox(event.key === "Home" ? 0 : boxes.length - 1);
    } else if (event.key.length === 1 && event.key !== " ") {
      event.preventDefault(); // letters and signs never enter a box
    }
  }

  // Phones' keyboards and autofill do not always send key events; the input event covers them.
  function onInput(event, index) {
    const box = boxes[index];
    const digits = box.value.replace(/\D/g, "");
    if (event.inputType === "insertText" && event.data && /^\d$/.test(event.data)) {
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
      const previous = boxes.map((box) => box.value).join("");
      boxes = Array.from({ length }, (_, index) => {
        const box = document.createElement("input");
        box.type = "text";
        box.className = "box";
        box.inputMode = "numeric";
        box.pattern = "[0-9]*";
        // The first box takes the whole code when a phone offers it from the mail.
        box.autocomplete = index === 0 ? "one-time-code" : "off";
        box.spellcheck = false;
        box.setAttribute("aria-label", `Digit ${index + 1} of ${length}`);
        box.addEventListener("keydown", (event) => onKeyDown(event, index));
        box.addEventListener("input", (event) => onInput(event, index));
        box.addEventListener("focus", () => box.select());
        return box;
      });
      container.replaceChildren(...boxes);
      if (previous) fillFrom(0, previous);
    },
    /** Fills every box from a pasted text; returns false when it holds no digits. */
    paste(text) {
      const digits = String(text).replace(/\D/g, "");
      if (!digits) return false;
      const focused = boxes.indexOf(document.activeElement);
      fillFrom(digits.length >= boxes.length || focused < 0 ? 0 : focused, digits);
      return true;
    },
    value: () => boxes.map((box) => box.value).join(""),
    get length() {
      return boxes.length;
    },
    focus: (index = 0) => focusBox(index),
    focusFirstEmpty() {
      const empty = boxes.findIndex((box) => !box.value);
      focusBox(empty < 0 ? boxes.length - 1 : empty);
    },
    clear() {
      boxes.forEach((box) => (box.value = ""));
    },
    setInvalid(invalid) {
      boxes.forEach((box) => (invalid ? box.setAttribute("aria-invalid", "true") : box.removeAttribute("aria-invalid")));
    },
    setDisabled(disabled) {
      boxes.forEach((box) => (box.disabled = disabled));
    },
  };
}
