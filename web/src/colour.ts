// Colour scales readable for colour-blind users: viridis (matplotlib, perceptually uniform).

export const VIRIDIS = [
  "#440154", "#482878", "#3e4989", "#31688e", "#26828e",
  "#1f9e89", "#35b779", "#6ece58", "#b5de2b", "#fde725",
];

export const SUPPRESSED = "#9e9e9e";
export const NO_DATA = "#ececec";

/** A MapLibre interpolate expression spreading the scale evenly over [min, max]. */
export function rampExpression(value: unknown[], min: number, max: number): unknown[] {
  const span = max > min ? max - min : 1;
  const stops: unknown[] = [];
  VIRIDIS.forEach((colour, i) => stops.push(min + (span * i) / (VIRIDIS.length - 1), colour));
  return ["interpolate", ["linear"], value, ...stops];
}

export function gradientCss(): string {
  return `linear-gradient(to right, ${VIRIDIS.join(", ")})`;
}

/** A diagonal hatch for suppressed areas (as ImageData for map.addImage). */
export function hatchImage(size = 8): ImageData {
  const data = new Uint8ClampedArray(size * size * 4);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const on = (x + y) % size < 2;
      const i = (y * size + x) * 4;
      data.set(on ? [90, 90, 90, 255] : [220, 220, 220, 230], i);
    }
  }
  return new ImageData(data, size, size);
}

/** A sparse cross-hatch over a transparent ground for placeholder boundaries: the area's
 * colour stays visible underneath (as ImageData for map.addImage). */
export function placeholderHatchImage(size = 10): ImageData {
  const data = new Uint8ClampedArray(size * size * 4);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const on = (x - y + size) % size < 1 || (x + y) % size < 1;
      data.set(on ? [20, 20, 20, 230] : [0, 0, 0, 0], (y * size + x) * 4);
    }
  }
  return new ImageData(data, size, size);
}
