/** Shortest decimal text for a rate, without float noise: 1 - 0.9 prints as 0.1, not 0.09999999999999998. */
export function formatRate(value: number): string {
  return String(Number(value.toPrecision(12)));
}
