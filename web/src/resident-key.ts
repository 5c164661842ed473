// A resident's private key, one per field lab, kept in this browser only (localStorage). It is
// fetched at the first input; an unknown key (erased in another browser) is replaced once.

import { ApiError, participation as papi } from "./api";

const storageKey = (lab: number) => `gg-resident-token-${lab}`;

export const residentKey = {
  /** The key for ``lab`` in this browser, if any. */
  get: (lab: number): string | null => localStorage.getItem(storageKey(lab)),
  /** Keep ``token`` as the key for ``lab`` (e.g. one brought from another browser). */
  set: (lab: number, token: string): void => localStorage.setItem(storageKey(lab), token),
  /** Forget the key for ``lab``. */
  forget: (lab: number): void => localStorage.removeItem(storageKey(lab)),

  /** The key for ``lab``, asking the API for a new one when there is none. */
  async ensure(lab: number): Promise<string> {
    const have = residentKey.get(lab);
    if (have) return have;
    const fresh = await papi.newResident(lab);
    residentKey.set(lab, fresh.token);
    return fresh.token;
  },

  /** Run a resident call with the key; on 401 forget it (``onForget``) and retry once. */
  async with<T>(lab: number, fn: (token: string) => Promise<T>, onForget: () => void): Promise<T> {
    const token = await residentKey.ensure(lab);
    try {
      return await fn(token);
    } catch (e) {
      if (!(e instanceof ApiError && e.status === 401)) throw e;
      residentKey.forget(lab);
      onForget();
      return await fn(await residentKey.ensure(lab));
    }
  },
};
