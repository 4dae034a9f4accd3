/** ISBN check digits (ISO 2108): ISBN-13 uses weights 1,3; ISBN-10 weights 10..1 modulo 11. */
export function normaliseIsbn(isbn: string): string {
  return isbn.replace(/[\s-]/g, '').toUpperCase();
}

export function isValidIsbn(isbn: string): boolean {
  const digits = normaliseIsbn(isbn);
  if (/^\d{13}$/.test(digits)) {
    const sum = [...digits].reduce((total, d, i) => total + Number(d) * (i % 2 === 0 ? 1 : 3), 0);
    return sum % 10 === 0;
  }
  if (/^\d{9}[\dX]$/.test(digits)) {
    const sum = [...digits].reduce((total, d, i) => total + (d === 'X' ? 10 : Number(d)) * (10 - i), 0);
    return sum % 11 === 0;
  }
  return false;
}
