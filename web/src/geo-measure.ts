// Area and length of what is being drawn (lon/lat, WGS84), shown live while drawing.
// Area: the spherical polygon area of Chamberlain & Duquette (2007, "Some algorithms for
// polygons on a sphere", JPL), as in Turf.js; length: the haversine distance. Both on a sphere
// of the WGS84 equatorial radius: within about 0.5 % of the ellipsoidal figures in the
// Netherlands, far below the precision shown (3 significant digits).

import type { Vertex } from "./draw";

/** WGS84 equatorial radius (m). */
const R = 6378137;
const RAD = Math.PI / 180;

/** Area (m²) of the ring through ``v`` (closed implicitly); 0 below three vertices. */
export function ringAreaM2(v: readonly Vertex[]): number {
  if (v.length < 3) return 0;
  let sum = 0;
  for (let i = 0; i < v.length; i++) {
    const [l1, p1] = v[i];
    const [l2, p2] = v[(i + 1) % v.length];
    sum += (l2 - l1) * RAD * (2 + Math.sin(p1 * RAD) + Math.sin(p2 * RAD));
  }
  return Math.abs((sum * R * R) / 2);
}

/** Length (m) of the line through ``v``; with ``closed`` the ring's perimeter. */
export function lineLengthM(v: readonly Vertex[], closed = false): number {
  let total = 0;
  const n = closed && v.length >= 3 ? v.length : v.length - 1;
  for (let i = 0; i < n; i++) {
    const [l1, p1] = v[i];
    const [l2, p2] = v[(i + 1) % v.length];
    const a = Math.sin(((p2 - p1) * RAD) / 2) ** 2 + Math.cos(p1 * RAD) * Math.cos(p2 * RAD) * Math.sin(((l2 - l1) * RAD) / 2) ** 2;
    total += 2 * R * Math.asin(Math.min(1, Math.sqrt(a)));
  }
  return total;
}
