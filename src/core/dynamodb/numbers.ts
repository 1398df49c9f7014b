// DynamoDB numbers: decimal strings of up to 38 significant digits, magnitude 1E-130 to 9.99...E+125, kept
// exact (BigInt mantissa and a power of ten), never through a JS double. AWS answers them canonical: no
// leading or trailing zeros, no exponent ("1.50" -> "1.5", "1e3" -> "1000").
import { ValidationException } from '../errors.js';

/** value = sign * digits * 10^exponent, digits without trailing zeros (0 is digits 0n). */
export interface Decimal {
  negative: boolean;
  digits: bigint;
  exponent: number;
}

const NUMBER = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;
const MAX_DIGITS = 38;

/** Reads a number as DynamoDB does, refusing what it refuses. */
export function parseNumber(text: string): Decimal {
  const match = NUMBER.exec(text);
  if (!match || (match[2] === '' && (match[3] ?? '') === '')) throw new ValidationException('A value provided cannot be converted into a number');
  const [, sign, whole = '', fraction = '', exp = '0'] = match;
  let digits = (whole + fraction).replace(/^0+/, '');
  let exponent = Number(exp) - fraction.length;
  if (digits === '') return { negative: false, digits: 0n, exponent: 0 };
  const trailing = digits.length - digits.replace(/0+$/, '').length;
  digits = digits.slice(0, digits.length - trailing);
  exponent += trailing;
  return check({ negative: sign === '-', digits: BigInt(digits), exponent });
}

/** A result within DynamoDB's range and precision, else AWS's refusal. */
function check(value: Decimal): Decimal {
  if (value.digits === 0n) return { negative: false, digits: 0n, exponent: 0 };
  const count = value.digits.toString().length;
  if (count > MAX_DIGITS) throw new ValidationException('Attempting to store more than 38 significant digits in a Number');
  // The magnitude's leading digit is at 10^(exponent + count - 1).
  const magnitude = value.exponent + count - 1;
  if (magnitude > 125) throw new ValidationException('Number overflow. Attempting to store a number with magnitude larger than supported range');
  if (magnitude < -130) throw new ValidationException('Number underflow. Attempting to store a number with magnitude smaller than supported range');
  return value;
}

export function formatNumber({ negative, digits, exponent }: Decimal): string {
  if (digits === 0n) return '0';
  let text = digits.toString();
  if (exponent >= 0) text += '0'.repeat(exponent);
  else if (-exponent >= text.length) text = '0.' + '0'.repeat(-exponent - text.length) + text;
  else text = text.slice(0, exponent) + '.' + text.slice(exponent);
  return negative ? '-' + text : text;
}

/** The canonical form of a number string. */
export const canonicalNumber = (text: string) => formatNumber(parseNumber(text));

const signed = (d: Decimal, exponent: number) => (d.negative ? -1n : 1n) * d.digits * 10n ** BigInt(d.exponent - exponent);

function fromScaled(value: bigint, exponent: number): Decimal {
  if (value === 0n) return { negative: false, digits: 0n, exponent: 0 };
  const negative = value < 0n;
  let digits = negative ? -value : value;
  while (digits % 10n === 0n) {
    digits /= 10n;
    exponent++;
  }
  return { negative, digits, exponent };
}

export function addNumbers(a: Decimal, b: Decimal): Decimal {
  const exponent = Math.min(a.exponent, b.exponent);
  return check(fromScaled(signed(a, exponent) + signed(b, exponent), exponent));
}

export const negate = (d: Decimal): Decimal => (d.digits === 0n ? d : { ...d, negative: !d.negative });

export function compareNumbers(a: Decimal, b: Decimal): number {
  const exponent = Math.min(a.exponent, b.exponent);
  const difference = signed(a, exponent) - signed(b, exponent);
  return difference < 0n ? -1 : difference > 0n ? 1 : 0;
}

/** Significant digits, for item size (AWS: about one byte per two digits, plus one). */
export const significantDigits = (d: Decimal) => (d.digits === 0n ? 1 : d.digits.toString().length);

/**
 * Bytes whose order (memcmp) is the numbers' order: a class byte (negative, zero, positive), the
 * magnitude's exponent as 16 bits, then the digits; negatives inverted and terminated so that a longer
 * digit string sorts first.
 */
export function numberKeyBytes(d: Decimal): Buffer {
  if (d.digits === 0n) return Buffer.from([0x80]);
  const text = d.digits.toString();
  const magnitude = d.exponent + text.length + 0x8000;
  const out = Buffer.alloc(3 + text.length + (d.negative ? 1 : 0));
  out[0] = d.negative ? 0x40 : 0xc0;
  out.writeUInt16BE(d.negative ? 0xffff - magnitude : magnitude, 1);
  for (let i = 0; i < text.length; i++) {
    const digit = text.charCodeAt(i) - 48;
    out[3 + i] = d.negative ? 10 - digit : digit + 1;
  }
  if (d.negative) out[out.length - 1] = 0xff;
  return out;
}
