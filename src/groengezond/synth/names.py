"""Invented Dutch-sounding names for gemeenten, wijken and buurten.

Names are built from parts (``Ooster`` + ``beek``, ``Linden`` + ``kwartier``) so that they sound
familiar without naming a real place on purpose; any likeness to a real name is chance.
"""

from __future__ import annotations

import numpy as np

CITY_NAMES = ("Groenstad", "Vliethaven", "Lindenburg", "Eikendam", "Wilgenrode")
PREFIXES = ("Ooster", "Wester", "Noorder", "Zuider", "Hoog", "Laag", "Nieuw", "Oud", "Groot",
            "Klein", "Sint ", "Ter ", "Den ", "Vrij", "Bos", "Zand", "Heide", "Water", "Wit",
            "Rood")
ROOTS = ("beek", "veen", "horst", "loo", "dijk", "hout", "wijk", "dam", "broek", "rode", "donk",
         "berg", "woude", "gein", "hoven", "zijl", "lier", "meer", "sloot", "kamp", "vaart",
         "linde", "haar", "brug", "stein")
THEMES = ("Linden", "Eiken", "Beuken", "Wilgen", "Essen", "Iepen", "Berken", "Elzen", "Platanen",
          "Kastanje", "Merel", "Lijster", "Vinken", "Zwaluw", "Reiger", "Kievit", "Spreeuwen",
          "Rozen", "Tulpen", "Lelie", "Krokus", "Narcissen", "Irissen", "Klaver", "Distel",
          "Rembrandt", "Vermeer", "Hals", "Mondriaan", "Escher", "Sweelinck", "Erasmus",
          "Zilver", "Koper", "Molen", "Smeden", "Vissers", "Bakkers", "Schepen", "Poorten",
          "Graven", "Hoeven", "Akker", "Weide", "Beemden", "Dreven", "Lanen", "Singel")
SUFFIXES = ("buurt", "kwartier", "hof", "park", "veld", "hoek", "dreef", "plein", "laan",
            "kade", "rijk", "oord")
DIRECTIONS = ("Oost", "Noordoost", "Noord", "Noordwest", "West", "Zuidwest", "Zuid", "Zuidoost")
WIJK_THEMES = ("Parkwijk", "Tuinwijk", "Bloemenwijk", "Bomenwijk", "Vogelwijk", "Schildersbuurt",
               "Waterwijk", "Molenwijk", "Kerkwijk", "Stationswijk", "Havenkwartier", "Veldwijk")


class NameMaker:
    """Hands out unique names, drawing their parts with a random generator.

    Parameters
    ----------
    rng : numpy.random.Generator
        Source of randomness.
    """

    def __init__(self, rng: np.random.Generator) -> None:
        self._rng = rng
        self._used: set[str] = set()

    def _unique(self, name: str) -> str:
        out, k = name, 2
        while out in self._used:
            out = f"{name} {_roman(k)}"
            k += 1
        self._used.add(out)
        return out

    def city(self) -> str:
        """The city's name."""
        return self._unique(str(self._rng.choice(CITY_NAMES)))

    def place(self) -> str:
        """A town or village name, e.g. ``Oosterbeek``."""
        for _ in range(50):
            prefix = str(self._rng.choice(PREFIXES))
            root = str(self._rng.choice(ROOTS))
            name = prefix + (root.capitalize() if prefix.endswith(" ") else root)
            if name not in self._used:
                return self._unique(name)
        return self._unique(name)

    def wijk(self, angle: float | None, central: bool) -> str:
        """A wijk name: ``Binnenstad`` for a central one, else a direction or a theme."""
        if central:
            return self._unique("Binnenstad")
        if angle is not None and self._rng.random() < 0.55:
            sector = int(np.round(angle / (np.pi / 4))) % 8
            return self._unique(DIRECTIONS[sector])
        return self._unique(str(self._rng.choice(WIJK_THEMES)))

    def buurt(self) -> str:
        """A buurt name, e.g. ``Lindenkwartier``."""
        for _ in range(50):
            name = str(self._rng.choice(THEMES)) + str(self._rng.choice(SUFFIXES))
            if name not in self._used:
                return self._unique(name)
        return self._unique(name)

    def plain(self, name: str) -> str:
        """``name`` itself, made unique."""
        return self._unique(name)


def _roman(k: int) -> str:
    numerals = ((10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"))
    out = ""
    for value, sym in numerals:
        while k >= value:
            out += sym
            k -= value
    return out
