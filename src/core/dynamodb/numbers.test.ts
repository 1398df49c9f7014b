import assert from 'node:assert/strict';
import { test } from 'node:test';
import { addNumbers, canonicalNumber, compareNumbers, numberKeyBytes, parseNumber } from './numbers.js';

test('numbers are canonical as DynamoDB answers them', () => {
  for (const [given, canonical] of [['1.50', '1.5'], ['001', '1'], ['1e3', '1000'], ['-0.0', '0'], ['.5', '0.5'], ['1.23E-5', '0.0000123'], ['+7', '7']])
    assert.equal(canonicalNumber(given), canonical, given);
});

test('38 significant digits are kept exactly; more, and out-of-range magnitudes, are refused', () => {
  const digits = '12345678901234567890123456789012345678';
  assert.equal(canonicalNumber(digits), digits);
  assert.equal(canonicalNumber(`0.${digits}`), `0.${digits}`);
  assert.throws(() => parseNumber(digits + '9'), /38 significant digits/);
  assert.throws(() => parseNumber('1e126'), /Number overflow/);
  assert.equal(canonicalNumber('9.9999999999999999999999999999999999999e125').length, 126);
  assert.throws(() => parseNumber('1e-131'), /Number underflow/);
  assert.throws(() => parseNumber('abc'), /cannot be converted into a number/);
  assert.throws(() => parseNumber(''), /cannot be converted/);
});

test('arithmetic is exact decimal', () => {
  assert.equal(canonicalNumber('0.1') && addNumbers(parseNumber('0.1'), parseNumber('0.2')).digits, 3n);
  const sum = addNumbers(parseNumber('99999999999999999999999999999999999999'), parseNumber('-1'));
  assert.equal(sum.digits, 99999999999999999999999999999999999998n);
  assert.throws(() => addNumbers(parseNumber('99999999999999999999999999999999999999'), parseNumber('1e-5')), /38 significant digits/);
});

test('key bytes order numbers by value (memcmp), as DynamoDB orders range keys', () => {
  const values = ['-1e125', '-100', '-10.5', '-10', '-1', '-0.001', '0', '1e-130', '0.5', '1', '1.5', '2', '9.99', '10', '100', '1e125'];
  const shuffled = [...values].sort(() => 0.5 - Math.random());
  const byBytes = shuffled.sort((a, b) => Buffer.compare(numberKeyBytes(parseNumber(a)), numberKeyBytes(parseNumber(b))));
  assert.deepEqual(byBytes, values);
  for (let i = 1; i < values.length; i++) assert.equal(compareNumbers(parseNumber(values[i - 1]!), parseNumber(values[i]!)), -1);
  assert.deepEqual(numberKeyBytes(parseNumber('1.0')), numberKeyBytes(parseNumber('1')), 'equal numbers, equal keys');
});
