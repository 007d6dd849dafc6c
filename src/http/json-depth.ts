/**
 * True when JSON text nests arrays or objects more than `limit` deep. One pass, stopping as soon as the
 * limit is passed; brackets inside strings do not count. It does not check that the text is valid JSON.
 */
export function jsonNestsDeeperThan(text: string, limit: number): boolean {
  // Nesting needs an opening bracket per level: with no more brackets than the limit, in strings or not (a
  // flat object has one), the answer is known after two native searches instead of a loop over every character.
  if (countUpTo(text, "{", limit) + countUpTo(text, "[", limit) <= limit) return false;
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92 /* \ */) i++;
      else if (c === 34 /* " */) inString = false;
    } else if (c === 34) {
      inString = true;
    } else if (c === 91 /* [ */ || c === 123 /* { */) {
      if (++depth > limit) return true;
    } else if (c === 93 /* ] */ || c === 125 /* } */) {
      depth--;
    }
  }
  return false;
}

/** How many times `char` occurs in `text`, counting no further than one past `max`. */
function countUpTo(text: string, char: string, max: number): number {
  let count = 0;
  for (let at = text.indexOf(char); at !== -1 && count <= max; at = text.indexOf(char, at + 1)) count++;
  return count;
}
