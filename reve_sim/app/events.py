"""Notable events of a run in plain French or English, found by diffing weekly frames.

``week_events`` compares the frame before a week with the frame after it (see
``history.Frame``) and adds what the calendar and the weekly metrics say (a lockdown
starts, the rentrée moves teachers, an innovation ecosystem appears). ``describe`` turns
an event into one sentence such as « semaine 12 : le collectif « Inclusion 86 » perd son
animatrice ». Week numbers are the model's weeks (0 = first simulated week), the same
numbers as the charts' horizontal axis.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..calendar import week_of
from ..labels import event_label
from ..state import ACTIVE, DISSOLVED, DORMANT, EMERGENT, INSTITUTIONAL
from .history import Frame

MILESTONES = (10, 20, 50, 100, 200, 500)
"""Member counts whose first crossing is reported."""
NOTABLE_SIZE = 8
"""Collectives at least this large make the short log."""


@dataclass(frozen=True)
class Event:
    week: int
    kind: str
    row: int = -1  # collective row, -1 for run-wide events
    value: int = 0  # kind-specific number (members, count, ...)
    label: str = ""  # kind-specific text (scenario event label)
    female: bool = False  # grammatical gender of the animator in French
    size: int = 0  # members of the collective just before the event

    @property
    def notable(self) -> bool:
        """Worth telling a group: run-wide events and what happens to sizeable collectives
        (the full log is one click away)."""
        if self.row < 0:
            return True
        if self.kind == "born":
            return self.label == str(INSTITUTIONAL) or self.value >= NOTABLE_SIZE
        if self.kind == "milestone":
            return self.value >= 20
        return self.size >= NOTABLE_SIZE


def _pad(a: np.ndarray, n: int, fill) -> np.ndarray:
    if a.shape[0] >= n:
        return a[:n]
    return np.concatenate([a, np.full(n - a.shape[0], fill, dtype=a.dtype)])


def collective_events(prev: Frame, cur: Frame) -> list[Event]:
    """Births, animator changes, dormancy, revival, dissolution, funding end, milestones."""
    w = cur.week - 1
    n = cur.n
    s0, s1 = _pad(prev.status, n, -1), cur.status
    a0, a1 = _pad(prev.animator, n, -1), cur.animator
    k0 = _pad(prev.animator_key, n, 0)
    f0, f1 = _pad(prev.funding_end, n, -1), cur.funding_end
    m0, m1 = _pad(prev.n_members, n, 0), cur.n_members
    out: list[Event] = []
    for c in np.flatnonzero(s0 == -1):
        if s1[c] != DISSOLVED:
            out.append(Event(w, "born", int(c), int(m1[c]), label=str(int(cur.origin[c]))))
    alive0 = (s0 == ACTIVE) | (s0 == DORMANT)
    for c in np.flatnonzero(alive0 & (s1 == DISSOLVED)):
        if f0[c] == w and f1[c] == -1:
            reason = "funding"
        elif s0[c] == DORMANT:
            reason = "dormancy"
        elif m1[c] < 2 and w - cur.born[c] < 30:
            reason = "no_takeoff"
        else:
            reason = "empty"
        out.append(Event(w, "dissolved", int(c), label=reason, size=int(m0[c])))
    alive1 = (s1 == ACTIVE) | (s1 == DORMANT)
    both = alive0 & alive1
    for c in np.flatnonzero(both & (a0 >= 0) & (a1 < 0)):
        out.append(Event(w, "animator_lost", int(c), female=bool(int(k0[c]) % 2),
                         size=int(m0[c])))
    for c in np.flatnonzero(both & (a0 < 0) & (a1 >= 0)):
        out.append(Event(w, "animator_new", int(c),
                         female=bool(int(cur.animator_key[c]) % 2), size=int(m1[c])))
    for c in np.flatnonzero((s0 == ACTIVE) & (s1 == DORMANT)):
        out.append(Event(w, "dormant", int(c), size=int(m0[c])))
    for c in np.flatnonzero((s0 == DORMANT) & (s1 == ACTIVE)):
        out.append(Event(w, "revived", int(c), size=int(m1[c])))
    for c in np.flatnonzero(both & (f0 == w) & (f1 == -1)):
        out.append(Event(w, "funding_over", int(c), size=int(m1[c])))
    for c in np.flatnonzero(both & (f0 >= 0) & (f1 > f0)):
        out.append(Event(w, "funding_renewed", int(c), size=int(m1[c])))
    for level in MILESTONES:
        for c in np.flatnonzero(alive1 & (m0 < level) & (m1 >= level)):
            out.append(Event(w, "milestone", int(c), level))
    return out


def calendar_events(params: dict, environment, mobility_log: list[dict], week: int) -> list[Event]:
    """Scenario events starting or ending this week, the rentrée and programme calls."""
    start = params["start_date"]
    out: list[Event] = []
    for shock in params["shocks"]:
        if week_of(start, shock["start"]) == week:
            out.append(Event(week, "shock_start", label=shock["label"]))
        if week_of(start, shock["end"]) == week:
            out.append(Event(week, "shock_end", label=shock["label"]))
    for prog in params["programmes"]:
        if week_of(start, prog["start"]) == week:
            out.append(Event(week, "programme", label=prog["label"]))
    if week > 0 and week < environment.n_weeks and environment.rentree[week]:
        moved = left = 0
        for rec in mobility_log:
            if rec["week"] == week:
                moved, left = rec["moved"], rec["left"]
        out.append(Event(week, "rentree", value=moved, label=str(left)))
    return out


def ecosystem_events(week: int, before: float, after: float) -> list[Event]:
    """An innovation ecosystem appears, or the last one comes apart (not in week 0, whose
    ecosystems were there from the start)."""
    if week == 0 or not np.isfinite(after):
        return []
    before = 0 if not np.isfinite(before) else int(before)
    after = int(after)
    if before == 0 and after > 0:
        return [Event(week, "ecosystem_up", value=after)]
    if before > 0 and after == 0:
        return [Event(week, "ecosystem_down")]
    return []


# --- sentences ---------------------------------------------------------------------------

def _q(name: str, lang: str) -> str:
    return f"« {name} »" if lang == "fr" else f"“{name}”"


def describe(event: Event, names: list[str], lang: str = "fr") -> str:
    """One plain sentence, starting with the week."""
    fr = lang == "fr"
    name = _q(names[event.row], lang) if 0 <= event.row < len(names) else ""
    k = event.kind
    if k == "born":
        origin = int(event.label or 0)
        if origin == INSTITUTIONAL:
            body = (f"le collectif {name} est créé par un appel à projets" if fr else
                    f"collective {name} is created by a programme call")
        elif origin == EMERGENT:
            body = (f"le collectif {name} naît ({event.value} membres fondateurs)" if fr else
                    f"collective {name} is founded ({event.value} founding members)")
        else:
            body = f"le collectif {name} apparaît" if fr else f"collective {name} appears"
    elif k == "animator_lost":
        who = "son animatrice" if event.female else "son animateur"
        body = (f"le collectif {name} perd {who}" if fr else
                f"collective {name} loses its animator")
    elif k == "animator_new":
        who = "une nouvelle animatrice" if event.female else "un nouvel animateur"
        body = (f"{who} reprend le collectif {name}" if fr else
                f"a member takes over the animation of {name}")
    elif k == "dormant":
        body = (f"le collectif {name} s'endort : plus d'activité depuis des semaines" if fr
                else f"collective {name} goes dormant: no activity for weeks")
    elif k == "revived":
        body = (f"le collectif {name} se réveille" if fr else
                f"collective {name} comes back to life")
    elif k == "dissolved":
        why = {
            "funding": (" à la fin de son financement", " when its funding ends"),
            "dormancy": (" après un long sommeil", " after a long sleep"),
            "no_takeoff": (" : il n'a pas pris", ": it never took off"),
            "empty": (" : ses membres sont partis", ": its members left"),
        }.get(event.label, ("", ""))[0 if fr else 1]
        body = (f"le collectif {name} est dissous{why}" if fr else
                f"collective {name} dissolves{why}")
    elif k == "funding_over":
        body = (f"le financement du collectif {name} s'arrête ; il continue sans" if fr else
                f"funding of {name} stops; it carries on without")
    elif k == "funding_renewed":
        body = (f"le financement du collectif {name} est renouvelé" if fr else
                f"funding of {name} is renewed")
    elif k == "milestone":
        body = (f"le collectif {name} atteint {event.value} membres" if fr else
                f"collective {name} reaches {event.value} members")
    elif k == "shock_start":
        body = ("début : " if fr else "starts: ") + event_label(event.label, lang)
    elif k == "shock_end":
        body = ("fin : " if fr else "ends: ") + event_label(event.label, lang)
    elif k == "programme":
        body = event_label(event.label, lang)
    elif k == "rentree":
        body = (f"rentrée : {event.value} enseignants changent d'établissement, "
                f"{event.label} quittent le métier" if fr else
                f"rentrée: {event.value} teachers change school, {event.label} leave teaching")
    elif k == "ecosystem_up":
        body = ("un écosystème d'innovation apparaît" if event.value == 1 else
                f"{event.value} écosystèmes d'innovation apparaissent") if fr else (
                "an innovation ecosystem appears" if event.value == 1 else
                f"{event.value} innovation ecosystems appear")
    elif k == "ecosystem_down":
        body = ("le dernier écosystème d'innovation se défait" if fr else
                "the last innovation ecosystem comes apart")
    else:
        body = k
    return f"{'semaine' if fr else 'week'} {event.week} : {body}" if fr else \
        f"week {event.week}: {body}"


KIND_ORDER = ("shock_end", "shock_start", "rentree", "programme", "ecosystem_up",
              "ecosystem_down", "born", "animator_lost", "animator_new", "funding_over",
              "funding_renewed", "milestone", "dormant", "revived", "dissolved")
"""Order of events within one week (run-wide first)."""


def sort_week(events: list[Event]) -> list[Event]:
    return sorted(events, key=lambda e: (e.week, KIND_ORDER.index(e.kind)
                                         if e.kind in KIND_ORDER else 99, e.row))
