"""Free text that needs more than an answer: a complaint about an officer, a broker or an illegal fee (the
supervisor-only complaint flow), or an urgent case (a citizen in trouble abroad; a departure within days with a
lost, damaged or expired passport).

Keyword rules on normalised text, deliberately narrow: a rule fires only on a clear phrase, because a question
answered as usual (with its complaint and officer buttons) is better than a question taken for a complaint or
an emergency.
"""

from __future__ import annotations

import re
import unicodedata
from enum import Enum


class Urgency(Enum):
    """Which urgent next steps fit the case."""

    ABROAD = "abroad"  # a citizen in trouble abroad: the embassy (KBRI/KJRI)
    DEPARTURE = "departure"  # a departure within days: what to do at the office now


def words(pattern: str) -> re.Pattern[str]:
    """A rule matching whole words of normalised text."""
    return re.compile(rf"\b(?:{pattern})\b")


#: Staff of the office; "ke petugas" (to an officer) is where one reports, not whom one reports.
OFFICER = (r"(?<!\bke )(?<!\bkepada )(?<!\bpada )"
           r"(?:petugas|ptgs|pegawai|staf|staff|karyawan|satpam|oknum|officer|officers)(?:nya)?")
BROKER = r"calo|calonya|percaloan|makelar|broker|brokers"
ILLEGAL_FEE = (r"pungli|pungutan liar|suap|menyuap|disuap|sogok|sogokan|menyogok|uang pelicin|uang rokok|uang damai|"
               r"uang terima kasih|uang tambahan|pemerasan|diperas|dipalak|bribe|bribes|bribery|extra money|extra fee")
RUDE = (r"jutek|judes|galak|kasar|ketus|sinis|sombong|cuek|marah marah|membentak|bentak|ngebentak|"
        r"(?:tidak|tdk|gak|ga|nggak|ngga|kurang) (?:sopan|ramah)|mempersulit|dipersulit|rude|impolite|unfriendly|"
        r"yelled|shouted")
#: Saying one wants to report or complain.
REPORT = words(r"komplain|complain|complaining|mengadu|ngadu|mengadukan|adukan|aduan|pengaduan|lapor|melapor|"
               r"melaporkan|laporkan|keluhan|mengeluh|mengeluhkan|report|reporting")
TARGET = words(f"{OFFICER}|{BROKER}|{ILLEGAL_FEE}")
#: Describing misconduct without saying "complaint".
MISCONDUCT = (
    words(rf"{OFFICER}(?: \S+){{0,4}} (?:{RUDE})"),  # "petugasnya jutek banget", "the officer was rude"
    words(rf"(?:dibentak|dimarahi|dipersulit|dicuekin|diperas|dipalak)(?: \S+){{0,2}} {OFFICER}"),
    words(r"(?:dimintai|dimintain|diminta|disuruh|dipaksa|ditarik|dipungut|ditagih|minta|meminta|mintain) (?:bayar|"
          r"membayar|uang|duit)(?: \S+){0,4} (?:tambahan|lebih|pelicin|rokok|damai|terima kasih|tanpa kuitansi|"
          r"tanpa kwitansi|di luar (?:tarif|biaya))"),  # "dimintai uang tambahan", "disuruh bayar 500 ribu lebih"
    words(r"(?:kena|mengalami|dimintai|membayar|bayar|kasih|memberi) (?:\S+ ){0,2}(?:pungli|pungutan liar|uang pelicin|"
          r"uang rokok|sogokan|suap)"),  # "kena pungli di loket"
    words(r"(?:ditawari|ditawarin|didatangi|ditipu|tertipu) (?:\S+ ){0,2}(?:calo|makelar|broker)"),
    words(r"(?:asked|asking) (?:me )?(?:for|to pay) (?:\S+ ){0,3}(?:extra|more|a bribe|bribe)"),
)
#: A question about what would happen (a hypothetical), which its FAQ answer serves better.
HYPOTHETICAL = words(r"kalau|kalo|klo|jika|jikalau|bila|apabila|seandainya|misalnya|apakah|benarkah|apa benar|"
                     r"if|is it|are there|is there")

PASSPORT = r"paspor\w*|pasport\w*|paspr|passport\w*"
BROKEN = (r"hilang|ilang|kehilangan|dicuri|kecurian|kecopetan|dicopet|rusak|sobek|robek|basah|terbakar|kadaluarsa|"
          r"kedaluwarsa|kadaluwarsa|expired|habis masa berlaku(?:nya)?|habis berlaku|sudah habis|udah habis|mati|"
          r"lost|stolen|damaged|torn")
PASSPORT_PROBLEM = (words(rf"(?:{PASSPORT})(?: \S+){{0,4}} (?:{BROKEN})"),
                    words(rf"(?:{BROKEN})(?: \S+){{0,3}} (?:{PASSPORT})"))
SOON = words(r"besok|bsk|besoknya|lusa|hari ini|malam ini|nanti malam|pagi ini|sore ini|minggu ini|minggu depan|"
             r"pekan ini|pekan depan|(?:[1-7]|satu|dua|tiga|empat|lima|enam|tujuh) hari lagi|tomorrow|tonight|today|"
             r"this week|next week|in (?:[1-7]|two|three|four|five|a few) days")
DEPARTURE = words(r"berangkat|keberangkatan|terbang|penerbangan|pesawat|umroh|umrah|haji|flight|fly|flying|depart|"
                  r"departure|leaving|leave|boarding")
#: Detention, trafficking or a withheld passport: a person in danger.
TROUBLE = words(r"ditahan|ditangkap|disekap|dipenjara|disiksa|dianiaya|perdagangan orang|tppo|trafficking|trafficked|"
                r"detained|arrested|kabur dari majikan|dijual (?:\S+ )?(?:agen|majikan|sponsor|calo)")
ABROAD = words(r"luar negeri|luar negri|abroad|overseas|di (?:malaysia|singapura|singapore|arab|saudi|mekkah|makkah|"
               r"madinah|jeddah|hong ?kong|taiwan|jepang|korea|brunei|qatar|dubai|turki|australia|amerika|eropa)")
#: Being in Indonesia (a foreigner here has no Indonesian embassy to turn to).
HERE = words(r"di bengkulu|di indonesia|in bengkulu|in indonesia|kantor imigrasi bengkulu|wna|foreigner|foreign national")
#: The topic whose question is itself a passport lost abroad.
LOST_ABROAD_TOPIC = "paspor_hilang_luar_negeri"


def normalise(text: str) -> str:
    """Lower case, compatibility forms folded, punctuation as spaces, single spaces: what the rules read."""
    folded = unicodedata.normalize("NFKC", text).lower()
    return " ".join(re.sub(r"[^\w\s]", " ", folded).split())


def is_complaint(text: str) -> bool:
    """Whether the text complains about an officer, a broker or an illegal fee."""
    plain = normalise(text)
    if REPORT.search(plain) and TARGET.search(plain):
        return True
    return any(rule.search(plain) for rule in MISCONDUCT) and not HYPOTHETICAL.search(plain)


def urgency(text: str, faq_id: str | None = None) -> Urgency | None:
    """Which urgent next steps the text (answered with topic `faq_id`) needs, if any."""
    plain = normalise(text)
    if HERE.search(plain):
        abroad = False
    else:
        abroad = bool(TROUBLE.search(plain)) or faq_id == LOST_ABROAD_TOPIC or (
            bool(ABROAD.search(plain)) and any(rule.search(plain) for rule in PASSPORT_PROBLEM))
    if abroad:
        return Urgency.ABROAD
    if any(rule.search(plain) for rule in PASSPORT_PROBLEM) and SOON.search(plain) and DEPARTURE.search(plain):
        return Urgency.DEPARTURE
    return None
