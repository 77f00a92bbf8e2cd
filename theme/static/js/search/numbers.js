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
  // The weight of the next digit: multiplied along rather than 2 ** shift, which cost most of
  // the decoding (about 3x slower).
  let scale = 1;
  for (let i = 0; i < text.length; i += 1) {
    const digit = DIGIT_VALUE[text.charCodeAt(i)];
    value += (digit & 31) * scale;
    if (digit & 32) {
      scale *= 32;
    } else {
      numbers.push(value);
      value = 0;
      scale = 1;
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

/**
 * Positions of a word in each article of its posting list, read from the export's text (for
 * every posting in list order: the count, then the gaps between positions) only for the
 * articles asked for: a phrase checks the few articles holding all its words, and decoding a
 * common word's positions for every article it is in cost more than the whole phrase query.
 */
export class PositionsText {
  /** `ids`: the list's sorted article numbers; `text`: their positions as exported. */
  constructor(ids, text) {
    this.ids = ids;
    this.text = text;
    // Where each posting's count starts in the text: one pass, nothing decoded but the counts.
    this.starts = new Int32Array(ids.length);
    let at = 0;
    for (let posting = 0; posting < ids.length; posting += 1) {
      this.starts[posting] = at;
      let count = 0;
      let scale = 1;
      for (;;) {
        const digit = DIGIT_VALUE[text.charCodeAt(at)];
        at += 1;
        count += (digit & 31) * scale;
        if (!(digit & 32)) break;
        scale *= 32;
      }
      // Skip `count` numbers: each ends at a digit below 32.
      while (count > 0) {
        if (!(DIGIT_VALUE[text.charCodeAt(at)] & 32)) count -= 1;
        at += 1;
      }
    }
  }

  /** Positions of the word in article `id` (ascending), or undefined when it is not in the list. */
  get(id) {
    let lo = 0;
    let hi = this.ids.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (this.ids[mid] < id) lo = mid + 1;
      else if (this.ids[mid] > id) hi = mid - 1;
      else return this.placesAt(mid);
    }
    return undefined;
  }

  placesAt(posting) {
    const { text } = this;
    const places = [];
    let at = this.starts[posting];
    let count = -1;
    let position = 0;
    let value = 0;
    let scale = 1;
    while (count !== 0) {
      const digit = DIGIT_VALUE[text.charCodeAt(at)];
      at += 1;
      value += (digit & 31) * scale;
      if (digit & 32) {
        scale *= 32;
        continue;
      }
      if (count < 0) {
        count = value;
      } else {
        position += value;
        places.push(position);
        count -= 1;
      }
      value = 0;
      scale = 1;
    }
    return places;
  }
}

/**
 * Whether article `id` has a phrase: `positions` are the PositionsText of its words in one
 * field, in the phrase's order (each word right after the one before it).
 */
export function hasPhrase(positions, id) {
  let starts = positions[0].get(id);
  for (let w = 1; w < positions.length && starts.length; w += 1) {
    const next = new Set(positions[w].get(id));
    starts = starts.filter((start) => next.has(start + w));
  }
  return starts.length > 0;
}
