// Decoding of the export's integer text (plugins/archive_search/encoding.py): base-64 digits of
// five bits, least significant first; a digit of 32 or more says another digit follows.

const DIGITS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
const DIGIT_VALUE = new Map([...DIGITS].map((char, value) => [char, value]));

/** Decode the exported integer text (plugins/archive_search/encoding.py). */
export function decodeNumbers(text) {
  const numbers = [];
  let value = 0;
  let shift = 0;
  for (let i = 0; i < text.length; i += 1) {
    const digit = DIGIT_VALUE.get(text[i]);
    value += (digit & 31) * 2 ** shift;
    if (digit & 32) {
      shift += 5;
    } else {
      numbers.push(value);
      value = 0;
      shift = 0;
    }
  }
  return numbers;
}
