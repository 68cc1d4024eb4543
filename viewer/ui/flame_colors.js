// Colours of the flame graph. Plain flame graphs: warm hues hashed from the
// frame name, so a function keeps its colour across views. Differential ones: a
// colour-blind-safe diverging scale (ColorBrewer RdBu end points), blue where the
// target got smaller (faster), red where it got bigger (slower), saturation
// following the change as a share of the WHOLE profile, neutral grey where the
// change is not statistically significant.

export const DIFF_BLUE = [33, 102, 172];   // #2166ac
export const DIFF_RED = [178, 24, 43];     // #b2182b
export const DIFF_NEUTRAL = [244, 242, 240];
export const NOT_SIGNIFICANT = [196, 196, 196];
export const AGGREGATE = [170, 170, 170];
export const SEARCH_MATCH = [224, 64, 251];  // magenta, distinct from both scales

function hashString(s) {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 16777619);
  }
  return h >>> 0;
}

// Warm colour for a frame name: red through orange to yellow.
export function flameColor(name) {
  const h = hashString(name);
  const hue = (h % 50);                       // 0..49 degrees
  const sat = 70 + ((h >>> 8) % 20);          // 70..89 %
  const light = 52 + ((h >>> 16) % 14);       // 52..65 %
  return hslToRgb(hue, sat / 100, light / 100);
}

export function hslToRgb(hue, s, l) {
  const c = (1 - Math.abs(2 * l - 1)) * s;
  const x = c * (1 - Math.abs(((hue / 60) % 2) - 1));
  const m = l - c / 2;
  let r = 0, g = 0, b = 0;
  if (hue < 60) { r = c; g = x; } else if (hue < 120) { r = x; g = c; } else { g = c; b = x; }
  return [Math.round((r + m) * 255), Math.round((g + m) * 255), Math.round((b + m) * 255)];
}

function mix(a, b, t) {
  return [0, 1, 2].map((k) => Math.round(a[k] + (b[k] - a[k]) * t));
}

// The colour of a change `delta` (a share of the whole profile, signed) when the
// scale saturates at `fullScale`.
export function diffColor(delta, fullScale, significant) {
  if (!significant) return NOT_SIGNIFICANT;
  const t = Math.min(1, Math.abs(delta) / fullScale);
  return mix(DIFF_NEUTRAL, delta < 0 ? DIFF_BLUE : DIFF_RED, t);
}

// A round number (1, 1.5, 2, 3, 4, 5, 6 or 8 times a power of ten) at least `x`.
export function niceCeil(x) {
  if (!(x > 0)) return 0.01;
  const p = Math.pow(10, Math.floor(Math.log10(x)));
  for (const m of [1, 1.5, 2, 3, 4, 5, 6, 8, 10]) if (m * p >= x * 0.999999) return m * p;
  return 10 * p;
}

export function rgb(c, alpha = 1) {
  return alpha === 1 ? `rgb(${c[0]},${c[1]},${c[2]})` : `rgba(${c[0]},${c[1]},${c[2]},${alpha})`;
}

// Dark text on light bars, white on dark ones.
export function textColorFor(c) {
  const lum = 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
  return lum < 120 ? '#fff' : '#111';
}

// A diagonal hatch in `stripe` (a CSS colour) drawn over frames that exist on
// one side only, at device resolution.
export function hatchPattern(ctx, dpr, stripe) {
  const size = Math.max(6, Math.round(6 * dpr));
  const tile = document.createElement('canvas');
  tile.width = tile.height = size;
  const t = tile.getContext('2d');
  t.strokeStyle = stripe;
  t.lineWidth = Math.max(1.5, 1.5 * dpr);
  t.beginPath();
  t.moveTo(0, size);
  t.lineTo(size, 0);
  t.moveTo(-size / 2, size / 2);
  t.lineTo(size / 2, -size / 2);
  t.moveTo(size / 2, size * 1.5);
  t.lineTo(size * 1.5, size / 2);
  t.stroke();
  const pattern = ctx.createPattern(tile, 'repeat');
  if (pattern && pattern.setTransform) pattern.setTransform(new DOMMatrix().scale(1 / dpr));
  return pattern;
}

// Stripes that show on the fill: the side's own colour on light fills (blue for
// frames only in the base, red for frames only in the target), white on dark ones.
export function hatchStripe(fill, baseOnly) {
  if (textColorFor(fill) === '#fff') return 'rgba(255,255,255,0.8)';
  return rgb(baseOnly ? DIFF_BLUE : DIFF_RED, 0.85);
}
