// What the 3D view cannot show, or shows from a stand-in: one sentence per layer it draws
// (buildings, green spaces, trees) whose quality flag (RegionInfo.quality) is not "real" or
// "derived". A region without a buildings layer says so, instead of counting "0 gebouwen".

import { hasKey, t } from "./i18n";

/** The layers the 3D view draws, in the order their notices are listed. */
export const MAP_LAYERS = ["buildings", "green", "trees"] as const;

export interface LayerFlag {
  status: string;
  key?: string | null;
  reason: string;
}

/** Sentences (current language) for the drawn layers that are missing or stand-ins. */
export function layerNotices(quality: Record<string, LayerFlag | undefined>): string[] {
  const out: string[] = [];
  for (const layer of MAP_LAYERS) {
    const q = quality[layer];
    if (!q) continue;
    const lk = `layer.${layer}`;
    const name = hasKey(lk) ? t(lk) : layer;
    if (q.status === "missing") {
      out.push(t(layer === "buildings" ? "mapNoBuildings" : "mapLayerMissing", { layer: name }));
    } else if (q.status === "placeholder") {
      const key = `quality.${q.key ?? ""}`;
      out.push(t("mapLayerPlaceholder", { layer: name, reason: hasKey(key) ? t(key) : t("ncOther") }));
    }
  }
  return out;
}
