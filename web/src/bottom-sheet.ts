// Phone layout: the map fills the screen and the panel is a bottom sheet over it, dragged by
// its handle (pointer or touch) between three heights: low (the map free), half and high
// (reading). The handle is a button: a click or Enter goes to the next height, the arrow keys
// step up and down. On wider screens the sheet is not used (the panel sits beside the map).
// The sheet's height is the CSS variable --sheet-h on <main>; style.css places the panel,
// the handle and the map's bottom controls (scale bar, credits) by it.

import { onLangChange, t } from "./i18n";

/** Widest viewport (CSS px) with the phone layout; the same as style.css's media query. */
export const PHONE_MAX_PX = 820;
/** Heights of the sheet as fractions of <main>'s height. */
export const SNAPS = [0.22, 0.5, 0.88] as const;
const HANDLE_PX = 28;

export type SnapIndex = 0 | 1 | 2;

export interface BottomSheet {
  /** Go to one of the three heights. */
  snap(index: SnapIndex): void;
  /** The current height index. */
  current(): SnapIndex;
  /** Call ``fn`` with the height (px) the sheet covers at the bottom of the map (0 on wide
   * screens), now and after every change: the map pads its camera by it. */
  onCover(fn: (px: number) => void): void;
}

/** The snap index nearest to a height of ``px`` in a container of ``total`` px. */
export function nearestSnap(px: number, total: number): SnapIndex {
  let best: SnapIndex = 0;
  SNAPS.forEach((f, i) => {
    if (Math.abs(f * total - px) < Math.abs(SNAPS[best] * total - px)) best = i as SnapIndex;
  });
  return best;
}

/** Install the sheet's handle before ``panel`` inside ``main``; returns its controls. */
export function installBottomSheet(main: HTMLElement, panel: HTMLElement): BottomSheet {
  const handle = document.createElement("button");
  handle.type = "button";
  handle.id = "sheet-handle";
  handle.className = "sheet-handle";
  handle.setAttribute("aria-controls", panel.id);
  handle.append(Object.assign(document.createElement("span"), { className: "sheet-grip" }));
  main.insertBefore(handle, panel);
  const phone = window.matchMedia(`(max-width: ${PHONE_MAX_PX}px)`);
  let index: SnapIndex = 1;

  const label = () => {
    handle.setAttribute("aria-label", t("sheetHandle"));
    handle.setAttribute("aria-expanded", String(index > 0));
    handle.title = t("sheetHandle");
  };

  const setHeight = (px: number) => {
    const total = main.clientHeight;
    const clamped = Math.max(HANDLE_PX + 40, Math.min(px, total - 8));
    main.style.setProperty("--sheet-h", `${Math.round(clamped)}px`);
  };

  const listeners: Array<(px: number) => void> = [];
  const cover = () => (phone.matches ? Math.round(SNAPS[index] * main.clientHeight) : 0);
  const snap = (i: SnapIndex) => {
    index = i;
    main.dataset.sheet = ["low", "half", "high"][i];
    setHeight(SNAPS[i] * main.clientHeight);
    label();
    listeners.forEach((fn) => fn(cover()));
  };

  // dragging: the sheet's top follows the pointer, and snaps to the nearest height on release
  let dragging = false, moved = false, startY = 0;
  handle.addEventListener("pointerdown", (e) => {
    if (!phone.matches) return;
    dragging = true;
    moved = false;
    startY = e.clientY;
    handle.setPointerCapture(e.pointerId);
    main.classList.add("sheet-dragging");
  });
  handle.addEventListener("pointermove", (e) => {
    if (!dragging) return;
    if (Math.abs(e.clientY - startY) > 4) moved = true;
    setHeight(main.getBoundingClientRect().bottom - e.clientY + HANDLE_PX / 2);
  });
  const end = (e: PointerEvent) => {
    if (!dragging) return;
    dragging = false;
    main.classList.remove("sheet-dragging");
    if (handle.hasPointerCapture(e.pointerId)) handle.releasePointerCapture(e.pointerId);
    const px = parseFloat(main.style.getPropertyValue("--sheet-h")) || SNAPS[index] * main.clientHeight;
    snap(nearestSnap(px, main.clientHeight));
  };
  handle.addEventListener("pointerup", end);
  handle.addEventListener("pointercancel", end);
  // a click (no drag) or Enter/Space: the next height, round
  handle.addEventListener("click", () => {
    if (moved) {
      moved = false;
      return;
    }
    snap(((index + 1) % SNAPS.length) as SnapIndex);
  });
  handle.addEventListener("keydown", (e) => {
    if (e.key === "ArrowUp" && index < 2) snap((index + 1) as SnapIndex);
    else if (e.key === "ArrowDown" && index > 0) snap((index - 1) as SnapIndex);
    else return;
    e.preventDefault();
  });
  // the skip link and tab focus land in the panel: make sure it can be read
  panel.addEventListener("focusin", () => { if (phone.matches && index === 0) snap(1); });
  window.addEventListener("resize", () => snap(index));
  phone.addEventListener("change", () => snap(index));
  onLangChange(label);
  snap(index);
  return {
    snap,
    current: () => index,
    onCover: (fn) => {
      listeners.push(fn);
      fn(cover());
    },
  };
}
