"""Every sentence the front ends (console, command line) say to users, Indonesian and English."""

from __future__ import annotations

TEXTS: dict[str, dict[str, str]] = {
    "id": {
        "empty": "Pesan Anda kosong. Silakan tulis pertanyaan tentang paspor, visa atau izin tinggal.",
        "no_words": (
            "Maaf, saya hanya dapat membaca pesan berupa tulisan. Silakan tulis pertanyaan Anda, "
            "misalnya <i>syarat paspor baru</i>."
        ),
        "unavailable": (
            "Maaf, layanan asisten sedang mengalami gangguan. Silakan coba lagi beberapa saat "
            "lagi atau kunjungi bengkulu.imigrasi.go.id."
        ),
        "console_intro": (
            "Tanya Imigrasi Bengkulu (mode konsol). Tulis pertanyaan Anda, pilih tombol dengan "
            "nomornya, atau tekan Ctrl-D untuk keluar."
        ),
        "console_loading": "Menyiapkan asisten, mohon tunggu...",
        "console_bye": "Sampai jumpa.",
        "model_current": "Model sudah sesuai data terbaru: {path}",
        "model_trained": "Model baru selesai dilatih: {path}",
        "content_invalid": "Isi FAQ belum valid, model tidak dilatih:\n{problems}",
    },
    "en": {
        "empty": "Your message is empty. Please write a question about passports, visas or stay permits.",
        "no_words": "Sorry, I can only read written messages. Please type your question.",
        "unavailable": (
            "Sorry, the assistant is having problems. Please try again shortly or visit "
            "bengkulu.imigrasi.go.id."
        ),
    },
}


def text(language: str, key: str, **values: str) -> str:
    """Return the sentence for a key, in Indonesian when no translation exists."""
    sentence = TEXTS.get(language, {}).get(key) or TEXTS["id"][key]
    return sentence.format(**values) if values else sentence
