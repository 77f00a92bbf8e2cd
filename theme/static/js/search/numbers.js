// Decoding of the export's integer text (plugins/archive_search/encoding.py): base-64 digits of
// five bits, least significant first; a digit of 32 or more says another digit follows.

const DIGITS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
// Digit value by character code: a typed-array look-up is several times faster than a Map's
// for the hundreds of thousands of digits a query on a large archive decodes.
const DIGIT_VALUE = new Uint8Array(128);
[...DIGITS].forEach((char, value) => { DIGIT_VALUE[char.charCodeAt(0)] = value; });

/** Decode the exported integer text (plugins/archive_search/encoding.py). */
export function decodeNumbers(text) {
  const numbers = [];
  let value = 0;
  let shift = 0;
  for (let i = 0; i < text.length; i += 1) {
    const digit = DIGIT_VALUE[text.charCodeAt(i)];
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

/** Decode sorted article numbers (encoding.py's encode_articles): gaps, or "~" and a bitmap. */
export function decodeArticles(text) {
  const articles = [];
  if (!text.startsWith("~")) {
    let article = 0;
    for (const gap of decodeNumbers(text)) {
      article += gap;
      articles.push(article);
    }
    return articles;
  }
  for (let i = 1; i < text.length; i += 1) {
    const digit = DIGIT_VALUE[text.charCodeAt(i)];
    for (let bit = 0; bit < 6; bit += 1) {
      if (digit & (1 << bit)) articles.push((i - 1) * 6 + bit);
    }
  }
  return articles;
}
