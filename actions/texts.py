"""Every sentence the dialogue actions say, in Indonesian ("id") and English ("en").

Markup is the FAQ's own: <b> and <i> only; the front ends render it for their channel.
"""

from __future__ import annotations

import datetime as dt

MONTHS = {
    "id": ("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli",
           "Agustus", "September", "Oktober", "November", "Desember"),
    "en": ("January", "February", "March", "April", "May", "June", "July",
           "August", "September", "October", "November", "December"),
}

TEXTS: dict[str, dict[str, str]] = {
    "id": {
        "links": "Tautan resmi:",
        "legal": "Dasar hukum:",
        "reviewed": "Informasi diperiksa: {date}",
        "only_indonesian": "",
        "clarify": "Maaf, saya kurang yakin maksud Anda. Maksud Anda salah satu dari ini?",
        "clarify_human": "Bukan semuanya? Tulis <i>petugas</i> untuk dihubungkan dengan petugas.",
        "fallback": (
            "Maaf, saya belum memahami pertanyaan Anda. Coba tulis dengan kata lain, misalnya "
            "<i>biaya paspor</i>, <i>syarat paspor anak</i> atau <i>perpanjang visa</i>. "
            "Tulis <i>petugas</i> bila ingin dihubungkan dengan petugas."
        ),
        "out_of_scope": (
            "Maaf, pertanyaan itu di luar layanan keimigrasian. Saya hanya menjawab soal paspor, "
            "visa, izin tinggal orang asing dan layanan Kantor Imigrasi Bengkulu.\n"
            "KTP, KK dan akta: Dinas Dukcapil. SIM dan SKCK: Kepolisian. Barang bawaan dan bea "
            "masuk: Bea Cukai."
        ),
        "handoff": (
            "Pertanyaan Anda sebaiknya dijawab langsung oleh petugas Kantor Imigrasi Bengkulu."
        ),
        "office": (
            "Anda juga dapat datang langsung ke Kantor Imigrasi Kelas I TPI Bengkulu, "
            "Jl. Pembangunan No. 23, Padang Harapan, Kota Bengkulu, atau membuka situs resmi "
            "www.imigrasi.go.id."
        ),
        "greet": (
            "Halo! Saya asisten informasi Kantor Imigrasi Kelas I TPI Bengkulu. Silakan tanya "
            "tentang paspor, visa, izin tinggal atau layanan kantor."
        ),
        "goodbye": "Terima kasih telah menghubungi Kantor Imigrasi Bengkulu. Sampai jumpa!",
        "thanks": "Sama-sama. Ada lagi yang ingin Anda tanyakan tentang paspor, visa atau izin tinggal?",
        "bot_challenge": (
            "Saya asisten otomatis (bot) Kantor Imigrasi Bengkulu. Jawaban saya berasal dari "
            "informasi resmi yang disusun petugas. Tulis <i>petugas</i> bila ingin dilayani "
            "petugas."
        ),
        "suggest_more": "Topik yang sering ditanyakan:",
        "second_miss": (
            "Maaf, saya masih belum memahami pertanyaan Anda. Pilih salah satu topik di bawah, ketik /topik "
            "untuk melihat semua topik, atau tekan tombol <i>Petugas</i> untuk bertanya langsung kepada petugas."
        ),
    },
    "en": {
        "links": "Official links:",
        "legal": "Legal basis:",
        "reviewed": "Information checked: {date}",
        "only_indonesian": "(This answer is available in Indonesian only.)",
        "clarify": "Sorry, I am not sure what you mean. Did you mean one of these?",
        "clarify_human": "None of these? Write <i>officer</i> to be connected with our staff.",
        "fallback": (
            "Sorry, I did not understand your question. Please try other words, for example "
            "<i>visa on arrival</i>, <i>extend my stay</i> or <i>KITAS</i>. Write <i>officer</i> "
            "to be connected with our staff."
        ),
        "out_of_scope": (
            "Sorry, that is outside immigration services. I answer questions about passports, "
            "visas, stay permits for foreigners and the services of the Bengkulu immigration "
            "office.\nID cards and civil records: Dukcapil. Driving licences and police "
            "certificates: the police. Goods and duties: Customs (Bea Cukai)."
        ),
        "handoff": (
            "Your question is best answered by an officer of the Bengkulu immigration office."
        ),
        "office": (
            "You can also visit the Bengkulu Class I Immigration Office, Jl. Pembangunan No. 23, "
            "Padang Harapan, Bengkulu City, or see the official site www.imigrasi.go.id."
        ),
        "greet": (
            "Hello! I am the information assistant of the Bengkulu Class I Immigration Office. "
            "Ask me about passports, visas, stay permits or the office's services."
        ),
        "goodbye": "Thank you for contacting the Bengkulu immigration office. Goodbye!",
        "thanks": "You are welcome. Anything else about passports, visas or stay permits?",
        "bot_challenge": (
            "I am the automated assistant (a bot) of the Bengkulu immigration office. My answers "
            "come from official information prepared by staff. Write <i>officer</i> to talk to "
            "our staff."
        ),
        "suggest_more": "Frequently asked topics:",
        "second_miss": (
            "Sorry, I still do not understand your question. Choose a topic below, type /topik to see all topics, "
            "or tap <i>Officer</i> to ask our staff directly."
        ),
    },
}


def text(language: str, key: str, **values: str) -> str:
    """Return the sentence for a key in a language (Indonesian when the language is unknown)."""
    table = TEXTS.get(language, TEXTS["id"])
    return table[key].format(**values) if values else table[key]


def long_date(day: dt.date, language: str) -> str:
    """Format a date as '28 November 2026' in the given language."""
    months = MONTHS.get(language, MONTHS["id"])
    return f"{day.day} {months[day.month - 1]} {day.year}"
