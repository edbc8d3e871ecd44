"""The commune's own estimate against Bộ chỉ số 766 (Quyết định 766/QĐ-TTg), not the official score.

The index has six groups worth 100 points. Which of the directive's indicators speak to which
group is set in ``GROUPS`` below (by indicator code, any directive: the newest directive's
indicator of that code is used). A group's estimate is its points times the mean share of
target reached by its indicators' latest verified figures; a group with no figure has no
estimate, and the total says how many points it covers. The official score and rank come
from the province; the rank is followed as an indicator of its own (``RANK_CODE``).
"""

from __future__ import annotations

from dataclasses import dataclass
from statistics import fmean
from typing import Any

from flask_babel import lazy_gettext as _l

from tracker.indicators.queries import Summary
from tracker.indicators.targets import Status


@dataclass(frozen=True)
class Group:
    key: str
    name: Any  # a lazy string
    points: int
    codes: tuple[str, ...]


GROUPS = (
    Group("cong_khai_minh_bach", _l("Openness and transparency"), 18, ()),
    Group("tien_do_giai_quyet", _l("Progress in handling dossiers"), 20,
          ("HS-DUNG-HAN", "HS-QUA-HAN-CHU-QUAN", "TTHC-CAT-GIAM-THOI-GIAN", "HS-KHONG-HEN",
           "CANH-BAO-SOM")),
    Group("so_hoa_ho_so", _l("Digitisation of dossiers"), 22,
          ("SO-HOA-HO-SO", "TRA-KET-QUA-DIEN-TU")),
    Group("dich_vu_cong_truc_tuyen", _l("Online public services"), 12,
          ("HS-TRUC-TUYEN-TOAN-TRINH", "TU-THUC-HIEN-DVCTT")),
    Group("thanh_toan_truc_tuyen", _l("Online payment"), 10, ("THANH-TOAN-TRUC-TUYEN",)),
    Group("muc_do_hai_long", _l("Satisfaction"), 18,
          ("MUC-DO-HAI-LONG", "HO-TRO-KHO-KHAN-DI-LAI", "NGAY-HO-TRO-NGUOI-DAN")),
)
RANK_CODE = "XEP-HANG-766"


@dataclass(frozen=True)
class GroupEstimate:
    group: Group
    summaries: list[Summary]

    @property
    def with_figures(self) -> list[Summary]:
        return [s for s in self.summaries if s.evaluation.status != Status.NO_DATA]

    @property
    def estimate(self) -> float | None:
        shares = [s.evaluation.achievement for s in self.with_figures
                  if s.evaluation.achievement is not None]
        return round(self.group.points * fmean(shares), 1) if shares else None


@dataclass(frozen=True)
class Estimate766:
    groups: list[GroupEstimate]
    rank: Summary | None

    @property
    def estimated_points(self) -> float:
        return round(sum(g.estimate for g in self.groups if g.estimate is not None), 1)

    @property
    def covered_points(self) -> int:
        return sum(g.group.points for g in self.groups if g.estimate is not None)

    @property
    def total_points(self) -> int:
        return sum(g.group.points for g in self.groups)


def estimate(summaries: list[Summary]) -> Estimate766:
    """Group the summaries (newest directive first) under the six groups."""
    newest: dict[str, Summary] = {}
    for summary in summaries:
        newest.setdefault(summary.indicator.code, summary)
    groups = [GroupEstimate(group, [newest[c] for c in group.codes if c in newest])
              for group in GROUPS]
    return Estimate766(groups, newest.get(RANK_CODE))
