"""Linking two projects through the hub, without the BSN and without either project's key.

Each project sees its own pseudonyms only (:mod:`.pseudonym`), so two projects cannot link
their data themselves. The hub can: when a project's register is ingested, the hub also
derives a *link key* per person,

.. math:: l = \\mathrm{HMAC\\text{-}SHA256}(K_\\ell, \\mathrm{BSN})[:16\\,\\mathrm{bytes}],
          \\qquad K_\\ell = \\mathrm{HMAC\\text{-}SHA256}(K, \\texttt{"gg-link"}),

and keeps the pairs (project pseudonym, link key) in the project's *vault*, a file only the
hub reads (it is never released, exported or served). Linking projects A and B into a joint
domain :math:`J` gives every person of either project the joint pseudonym

.. math:: p_J = \\mathrm{HMAC\\text{-}SHA256}(K_J, l)[:16\\,\\mathrm{bytes}],

with :math:`K_J` the joint domain's key, so the same person gets the same :math:`p_J` from A
and from B, and :math:`p_J` is unrelated to the pseudonyms either project had. The BSN is
not needed again and is never stored: the link key is a keyed hash of it, like a pseudonym.
Core: no I/O.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from groengezond.errors import InputError
from groengezond.ucloud.pseudonym import Pseudonymiser, hmac_hex_many

__all__ = ["CrossLink", "cross_link", "link_keys"]


def _link_key(key: bytes) -> bytes:
    return hmac.digest(key, b"gg-link", "sha256")


def link_keys(key: bytes, bsns: npt.NDArray[np.int64]) -> npt.NDArray[np.object_]:
    """The hub's link key of each (11-test checked) integer BSN; 32 hex characters."""
    return hmac_hex_many(_link_key(key), [b"%09d" % b for b in np.asarray(bsns).tolist()])


@dataclass(frozen=True)
class CrossLink:
    """Two projects' pseudonyms translated into one joint domain.

    Attributes
    ----------
    a, b : DataFrame
        Per project, ``pseudonym`` (the project's) and ``joint`` (the joint domain's).
    report : dict
        ``joint_domain``, persons in ``a``, in ``b``, ``in_both``, ``only_a``, ``only_b``.
    """

    a: pd.DataFrame
    b: pd.DataFrame
    report: dict[str, Any]


def cross_link(vault_a: pd.DataFrame, vault_b: pd.DataFrame, key: bytes, joint: str
               ) -> CrossLink:
    """Translate two projects' pseudonyms into the joint domain ``joint``.

    Parameters
    ----------
    vault_a, vault_b : DataFrame
        Each project's vault: ``pseudonym`` and ``link_key``.
    key : bytes
        The hub's secret key.
    joint : str
        Name of the joint domain (a new project: the linked study).

    Returns
    -------
    CrossLink

    Raises
    ------
    InputError
        A vault lacks its columns, or the joint domain reuses a project's pseudonyms (the
        two vaults hold the same pseudonyms: the same project twice).
    """
    for name, v in (("vault A", vault_a), ("vault B", vault_b)):
        missing = {"pseudonym", "link_key"} - set(v.columns)
        if missing:
            raise InputError.single(name, "", ", ".join(sorted(missing)), "column is missing",
                                    "store the project's run again with this version")
    if len(vault_a) and set(vault_a["pseudonym"]) == set(vault_b["pseudonym"]):
        raise InputError.single("vault B", "", "pseudonym",
                                "holds the same pseudonyms as vault A: one project twice",
                                "link two different projects")
    joint_key = Pseudonymiser(key, joint)._domain_key

    def translate(v: pd.DataFrame) -> pd.DataFrame:
        links = [bytes.fromhex(x) for x in v["link_key"].astype(str)]
        return pd.DataFrame({"pseudonym": v["pseudonym"].to_numpy(),
                             "joint": hmac_hex_many(joint_key, links)})

    a, b = translate(vault_a), translate(vault_b)
    both = len(set(vault_a["link_key"]) & set(vault_b["link_key"]))
    report = {"joint_domain": joint, "persons_a": len(a), "persons_b": len(b),
              "in_both": both, "only_a": len(a) - both, "only_b": len(b) - both}
    return CrossLink(a, b, report)
