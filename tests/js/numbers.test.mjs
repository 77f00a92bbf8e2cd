// Unit checks of the search client's decoding of the export's integer text; the Python side
// (plugins/archive_search/encoding.py) writes it, and the parity tests read whole exports.
import { test } from "node:test";
import assert from "node:assert/strict";
import { decodeNumbers, PositionsText } from "../../theme/static/js/search/numbers.js";

const DIGITS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/** encoding.py's encode_numbers, written again from its description. */
function encode(numbers) {
  let text = "";
  for (let number of numbers) {
    while (number >= 32) {
      text += DIGITS[32 | (number % 32)];
      number = Math.floor(number / 32);
    }
    text += DIGITS[number];
  }
  return text;
}

/** A small deterministic random source, so a failure can be replayed. */
function randomSource(seed) {
  let state = seed;
  return (below) => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state % below;
  };
}

test("positions are read for the articles asked for, as a whole decode reads them", () => {
  const random = randomSource(2026);
  for (let list = 0; list < 50; list += 1) {
    const ids = [];
    const places = new Map();
    const numbers = [];
    let id = 0;
    for (let posting = 0; posting < 1 + random(200); posting += 1) {
      id += 1 + random(3000);
      ids.push(id);
      // Counts and gaps above 31 take several digits; a count may itself be long.
      const count = 1 + (random(10) === 0 ? 30 + random(70) : random(4));
      const positions = [];
      let position = 0;
      numbers.push(count);
      for (let k = 0; k < count; k += 1) {
        const gap = (k === 0 ? 0 : 1) + (random(5) === 0 ? random(5000) : random(20));
        position += gap;
        positions.push(position);
        numbers.push(gap);
      }
      places.set(id, positions);
    }
    const text = encode(numbers);
    assert.deepEqual(decodeNumbers(text), numbers);
    const positions = new PositionsText(ids, text);
    // Asked in a shuffled order: each article's positions stand alone.
    for (const wanted of [...ids].sort(() => random(3) - 1)) assert.deepEqual(positions.get(wanted), places.get(wanted));
    assert.equal(positions.get(0), undefined);
    assert.equal(positions.get(id + 1), undefined);
  }
});
