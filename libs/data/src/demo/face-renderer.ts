import type { SeededRandom } from '@dfl/core';

/*
 * Synthetic "faces" for the demo dataset: a few soft shapes (skin oval, hair, eyes, brows, nose, mouth) under a
 * directional light on a smooth background. Not photographic, but they give a detector what it needs to learn the
 * same cues as on real data: a face-shaped region, identity variation, and camera grain that a face swap disturbs.
 * Drawn in float RGB (0..255), row-major HWC.
 */

export interface FaceIdentity {
  readonly skin: readonly [number, number, number];
  readonly hair: readonly [number, number, number];
  readonly iris: readonly [number, number, number];
  readonly lips: readonly [number, number, number];
  readonly eyeSpacing: number;
  readonly eyeSize: number;
  readonly mouthWidth: number;
  readonly browTilt: number;
  readonly noseLength: number;
}

export interface FaceGeometry {
  /** Centre and radii of the face oval, as fractions of the image side. */
  readonly cx: number;
  readonly cy: number;
  readonly rx: number;
  readonly ry: number;
  /** Head roll in radians. */
  readonly roll: number;
}

export interface Scene {
  readonly background: readonly [readonly [number, number, number], readonly [number, number, number]];
  readonly lightAngle: number;
  readonly lightStrength: number;
}

export function randomIdentity(rng: SeededRandom): FaceIdentity {
  const tone = rng.uniform(0.45, 1.05);
  const hue = rng.uniform(-1, 1);
  const skin: [number, number, number] = [225 * tone + 10 * hue, 175 * tone, 145 * tone - 10 * hue];
  const hairTone = rng.uniform(0.1, 0.8);
  return {
    skin,
    hair: [120 * hairTone + rng.uniform(0, 40), 80 * hairTone + rng.uniform(0, 20), 50 * hairTone],
    iris: [rng.uniform(30, 110), rng.uniform(40, 120), rng.uniform(40, 140)],
    lips: [skin[0] * rng.uniform(0.75, 0.95), skin[1] * rng.uniform(0.45, 0.65), skin[2] * rng.uniform(0.5, 0.7)],
    eyeSpacing: rng.uniform(0.36, 0.46),
    eyeSize: rng.uniform(0.1, 0.15),
    mouthWidth: rng.uniform(0.28, 0.42),
    browTilt: rng.uniform(-0.15, 0.15),
    noseLength: rng.uniform(0.22, 0.32),
  };
}

export function randomGeometry(rng: SeededRandom): FaceGeometry {
  return {
    cx: 0.5 + rng.uniform(-0.05, 0.05),
    cy: 0.54 + rng.uniform(-0.04, 0.04),
    rx: rng.uniform(0.26, 0.33),
    ry: rng.uniform(0.34, 0.41),
    roll: rng.uniform(-0.15, 0.15),
  };
}

export function randomScene(rng: SeededRandom): Scene {
  const c = () => [rng.uniform(20, 230), rng.uniform(20, 230), rng.uniform(20, 230)] as const;
  return { background: [c(), c()], lightAngle: rng.uniform(0, 2 * Math.PI), lightStrength: rng.uniform(0.1, 0.35) };
}

type Rgb = readonly [number, number, number];

/** Renders one face (no noise) at `size` × `size`. */
export function renderFace(size: number, id: FaceIdentity, g: FaceGeometry, scene: Scene): Float32Array {
  const img = new Float32Array(size * size * 3);
  const [bg0, bg1] = scene.background;
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const t = (x + y) / (2 * size);
      const i = (y * size + x) * 3;
      for (let c = 0; c < 3; c++) img[i + c] = bg0[c] * (1 - t) + bg1[c] * t;
    }
  }
  const S = size;
  const cos = Math.cos(g.roll);
  const sin = Math.sin(g.roll);
  // face-local coordinates (u right, v down, unit = face radius) to pixels
  const at = (u: number, v: number): [number, number] => {
    const dx = u * g.rx * S;
    const dy = v * g.ry * S;
    return [g.cx * S + dx * cos - dy * sin, g.cy * S + dx * sin + dy * cos];
  };
  const ellipse = (u: number, v: number, ru: number, rv: number, color: Rgb, alpha = 1, rot = 0) => {
    const [px, py] = at(u, v);
    drawEllipse(img, S, px, py, ru * g.rx * S, rv * g.ry * S, g.roll + rot, color, alpha);
  };
  ellipse(0, -0.25, 1.12, 0.95, id.hair); // hair behind the head
  ellipse(-1.02, 0.05, 0.14, 0.22, id.skin); // ears
  ellipse(1.02, 0.05, 0.14, 0.22, id.skin);
  ellipse(0, 0.02, 1, 1, id.skin); // face
  ellipse(0, -0.8, 0.95, 0.35, id.hair, 0.95); // fringe
  const e = id.eyeSpacing;
  for (const side of [-1, 1]) {
    ellipse(side * e, -0.12, id.eyeSize * 1.6, id.eyeSize * 0.8, [235, 235, 230]);
    ellipse(side * e, -0.12, id.eyeSize * 0.7, id.eyeSize * 0.75, id.iris);
    ellipse(side * e, -0.12, id.eyeSize * 0.3, id.eyeSize * 0.32, [15, 10, 10]);
    ellipse(side * e, -0.3, id.eyeSize * 1.7, 0.035, id.hair, 0.9, side * id.browTilt);
  }
  ellipse(0, 0.12, 0.06, id.noseLength / 2, scale(id.skin, 0.82), 0.8);
  ellipse(0.03, 0.12 + id.noseLength / 2, 0.12, 0.05, scale(id.skin, 0.7), 0.7);
  ellipse(0, 0.5, id.mouthWidth, 0.07, id.lips);
  shade(img, S, scene, g);
  return img;
}

function scale(c: Rgb, k: number): Rgb {
  return [c[0] * k, c[1] * k, c[2] * k];
}

/** Anti-aliased filled ellipse (one pixel of soft edge), alpha-composited. */
function drawEllipse(img: Float32Array, S: number, cx: number, cy: number, rx: number, ry: number, rot: number, color: Rgb, alpha: number): void {
  const r = Math.max(rx, ry) + 2;
  const x0 = Math.max(0, Math.floor(cx - r));
  const x1 = Math.min(S - 1, Math.ceil(cx + r));
  const y0 = Math.max(0, Math.floor(cy - r));
  const y1 = Math.min(S - 1, Math.ceil(cy + r));
  const cos = Math.cos(rot);
  const sin = Math.sin(rot);
  for (let y = y0; y <= y1; y++) {
    for (let x = x0; x <= x1; x++) {
      const dx = x + 0.5 - cx;
      const dy = y + 0.5 - cy;
      const u = (dx * cos + dy * sin) / rx;
      const v = (-dx * sin + dy * cos) / ry;
      const d = Math.sqrt(u * u + v * v);
      // signed distance in pixels, roughly
      const edge = (1 - d) * Math.min(rx, ry);
      const a = alpha * Math.min(1, Math.max(0, edge + 0.5));
      if (a <= 0) continue;
      const i = (y * S + x) * 3;
      for (let c = 0; c < 3; c++) img[i + c] = img[i + c] * (1 - a) + color[c] * a;
    }
  }
}

/** Directional light across the face region, so the skin is not flat. */
function shade(img: Float32Array, S: number, scene: Scene, g: FaceGeometry): void {
  const lx = Math.cos(scene.lightAngle);
  const ly = Math.sin(scene.lightAngle);
  for (let y = 0; y < S; y++) {
    for (let x = 0; x < S; x++) {
      const u = (x / S - g.cx) / g.rx;
      const v = (y / S - g.cy) / g.ry;
      const k = 1 + scene.lightStrength * Math.max(-1, Math.min(1, u * lx + v * ly)) * 0.6;
      const i = (y * S + x) * 3;
      img[i] *= k;
      img[i + 1] *= k;
      img[i + 2] *= k;
    }
  }
}

/** Adds camera grain (Gaussian, per channel, plus a little shared luminance noise) and rounds to bytes. */
export function addGrain(img: Float32Array, sigma: number, rng: SeededRandom): Uint8Array {
  const out = new Uint8Array(img.length);
  for (let i = 0; i < img.length; i += 3) {
    const shared = rng.normal(0, sigma * 0.6);
    for (let c = 0; c < 3; c++) {
      const v = img[i + c] + shared + rng.normal(0, sigma * 0.8);
      out[i + c] = v <= 0 ? 0 : v >= 255 ? 255 : Math.round(v);
    }
  }
  return out;
}
