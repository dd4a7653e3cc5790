"""Every sentence the front ends (console, command line) say to users, Indonesian and English."""

from __future__ import annotations

#: How staff cards and transcripts name who wrote a message, by its direction.
SPEAKERS = {"in": "Warga", "out": "Asisten", "staff": "Petugas", "system": "Sistem"}

TEXTS: dict[str, dict[str, str]] = {
    "id": {
        "empty": "Pesan Anda kosong. Silakan tulis pertanyaan tentang paspor, visa atau izin tinggal.",
        "no_words": (
            "Maaf, saya hanya dapat membaca pesan berupa tulisan. Silakan tulis pertanyaan Anda, "
            "misalnya <i>syarat paspor baru</i>."
        ),
        "unavailable": (
            "Maaf, layanan asisten sedang mengalami gangguan. Pesan Anda sudah kami catat. Silakan coba "
            "lagi beberapa saat lagi, minta petugas dengan tombol di bawah, atau kunjungi www.imigrasi.go.id."
        ),
        "error": "Maaf, terjadi gangguan saat memproses pesan Anda. Silakan coba lagi sebentar lagi.",
        "rate_limited": "Mohon maaf, Anda mengirim terlalu banyak pesan. Silakan tunggu sebentar lalu kirim lagi.",
        "console_intro": (
            "Tanya Imigrasi Bengkulu (mode konsol). Tulis pertanyaan Anda, pilih tombol dengan "
            "nomornya, atau tekan Ctrl-D untuk keluar."
        ),
        "console_loading": "Menyiapkan asisten, mohon tunggu...",
        "console_bye": "Sampai jumpa.",
        "model_current": "Model sudah sesuai data terbaru: {path}",
        "model_trained": "Model baru selesai dilatih: {path}",
        "content_invalid": "Isi FAQ belum valid, model tidak dilatih:\n{problems}",
        "start": (
            "Selamat datang di <b>Tanya Imigrasi Bengkulu</b>, asisten otomatis Kantor Imigrasi Kelas I "
            "TPI Bengkulu.\n\n"
            "Saya dapat menjawab pertanyaan tentang paspor, visa, izin tinggal orang asing dan layanan "
            "kantor, lengkap dengan tautan resmi. Saya tidak dapat memproses permohonan, mengecek status "
            "berkas Anda, atau menerima pembayaran. Bila saya tidak bisa membantu, percakapan diteruskan "
            "ke petugas (/petugas).\n\n"
            "<b>Privasi:</b> pesan Anda disimpan untuk menjawab dan meningkatkan layanan, dapat dibaca "
            "petugas dan pengawas Kantor Imigrasi Bengkulu, dan dihapus setelah 180 hari. "
            "<b>Jangan kirim NIK, nomor paspor, atau foto dokumen.</b>\n\n"
            "Pilih topik atau langsung tulis pertanyaan Anda:"
        ),
        "help": (
            "<b>Cara memakai asisten ini</b>\n"
            "• Tulis pertanyaan seperti biasa, misalnya <i>brp biaya paspor</i> atau <i>paspor hilang</i>.\n"
            "• /topik: lihat daftar topik per kategori.\n"
            "• /petugas: minta dihubungkan dengan petugas.\n"
            "• /bahasa: ganti Bahasa Indonesia / English.\n"
            "Di bawah setiap jawaban ada tombol untuk menilai jawaban dan menghubungi petugas."
        ),
        "choose_category": "Pilih kategori:",
        "choose_topic": "Pilih topik:",
        "choose_language": "Pilih bahasa / choose a language:",
        "language_set": "Bahasa diubah ke Bahasa Indonesia.",
        "more_button": "ℹ️ Rincian",
        "helpful": "👍 Membantu",
        "not_helpful": "👎 Tidak membantu",
        "officer_button": "🙋 Bicara dengan petugas",
        "thanks_rating": "Terima kasih atas penilaian Anda.",
        "not_helpful_reply": "Maaf jawaban tadi belum membantu. Ingin dihubungkan dengan petugas?",
        "urgent": (
            "⚠️ <b>Situasi Anda mungkin mendesak.</b> Jika Anda berada di luar negeri, segera hubungi "
            "KBRI/KJRI terdekat. Jika ada ancaman, penahanan atau dugaan perdagangan orang, hubungi polisi "
            "(110). Anda juga dapat langsung dihubungkan dengan petugas kami:"
        ),
        "queued_open": (
            "Pertanyaan Anda sudah diteruskan ke petugas (tiket #{ticket}). Petugas akan segera "
            "membalas di chat ini; antrean Anda: {position}. Pesan yang Anda kirim sekarang akan "
            "langsung diteruskan ke petugas."
        ),
        "queued_closed": (
            "Pertanyaan Anda sudah diteruskan ke petugas (tiket #{ticket}). Saat ini di luar jam layanan; "
            "petugas akan membalas mulai {opening} WIB. Pesan yang Anda kirim sekarang akan diteruskan "
            "ke petugas."
        ),
        "already_queued": "Anda sudah terhubung dengan petugas (tiket #{ticket}). Silakan tulis pesan Anda.",
        "no_staff": (
            "Maaf, layanan petugas lewat chat belum tersedia. Silakan datang ke Kantor Imigrasi Kelas I "
            "TPI Bengkulu, Jl. Pembangunan No. 23, Padang Harapan, Kota Bengkulu, atau buka "
            "www.imigrasi.go.id."
        ),
        "staff_says": "👮 <b>Petugas:</b> {text}",
        "ticket_closed_user": (
            "Percakapan dengan petugas (tiket #{ticket}) telah selesai, dan asisten otomatis kembali "
            "melayani Anda. Bagaimana penilaian Anda atas bantuan petugas? (1 = buruk, 5 = sangat baik)"
        ),
        "thanks_ticket_rating": "Terima kasih, penilaian Anda ({rating}/5) sudah kami catat.",
        "non_text": (
            "Maaf, saya hanya dapat membaca pesan teks. Demi keamanan data Anda, jangan kirim foto "
            "dokumen. Silakan tulis pertanyaan Anda."
        ),
        "group_only_private": "Silakan chat saya secara pribadi untuk bertanya.",
        "not_supervisor": "Perintah ini hanya untuk pengawas.",
        "card": (
            "🎫 <b>Tiket #{ticket}</b> ({reason})\n"
            "Warga: {name}\nTopik: {topic}\nDibuat: {created} WIB\n\n<b>Percakapan terakhir:</b>\n{transcript}\n\n"
            "Balas (reply) pesan ini untuk menjawab warga."
        ),
        "card_taken": "\n\n✅ Ditangani oleh {staff}",
        "card_closed": "\n\n🔒 Ditutup oleh {staff}",
        "take_button": "Ambil",
        "close_button": "Tutup",
        "taken_ok": "Tiket #{ticket} Anda tangani.",
        "taken_by_other": "Tiket #{ticket} sudah ditangani {staff}.",
        "closed_ok": "Tiket #{ticket} ditutup.",
        "already_closed": "Tiket #{ticket} sudah ditutup.",
        "not_staff": "Maaf, hanya petugas yang dapat melakukan ini.",
        "relay_from_user": "💬 <b>{name}</b> (tiket #{ticket}):\n{text}",
        "delivery_failed": "⚠️ Balasan untuk tiket #{ticket} tidak terkirim ke warga: {error}",
        "reason_user": "diminta warga",
        "reason_assistant": "asisten tidak memahami",
        "reason_button": "lewat tombol",
        "complaint_start": (
            "<b>Pengaduan, aspirasi atau permintaan informasi</b> (kategori SP4N-LAPOR!). Pilih jenisnya. "
            "Ketik /batal kapan saja untuk membatalkan."
        ),
        "complaint_pengaduan": "Pengaduan",
        "complaint_informasi": "Permintaan informasi",
        "complaint_aspirasi": "Aspirasi",
        "complaint_what": "Ceritakan apa yang terjadi atau apa yang Anda sampaikan (jangan tulis NIK atau nomor paspor).",
        "complaint_when": "Kapan kejadiannya? (misalnya: 3 November 2026 pukul 10.00)",
        "complaint_where": "Di mana? (misalnya: loket paspor Kantor Imigrasi Bengkulu)",
        "complaint_contact": "Kontak yang dapat dihubungi (opsional). Ketik - untuk melewati; kami juga membalas di chat ini.",
        "complaint_misconduct": "Apakah ini tentang perilaku petugas, calo, atau pungutan liar?",
        "yes": "Ya",
        "no": "Tidak",
        "complaint_done": (
            "Terima kasih. Laporan Anda tercatat dengan nomor tiket <b>#{ticket}</b> dan akan ditindaklanjuti; "
            "kami upayakan tanggapan dalam {days} hari kerja, di chat ini. Anda juga dapat menyampaikannya melalui "
            "SP4N-LAPOR! di https://www.lapor.go.id/."
        ),
        "complaint_cancelled": "Pengaduan dibatalkan. Silakan tulis pertanyaan Anda kapan saja.",
        "complaint_card": (
            "📣 <b>Tiket #{ticket}: {category}</b>{restricted}\nWarga: {name}\nDibuat: {created} WIB\n\n"
            "<b>Apa:</b> {what}\n<b>Kapan:</b> {when}\n<b>Di mana:</b> {where}\n<b>Kontak:</b> {contact}\n\n"
            "Balas (reply) pesan ini untuk menjawab warga."
        ),
        "complaint_restricted": " — perilaku petugas/calo/pungli, hanya untuk pengawas",
        "complaint_button": "📣 Ajukan pengaduan",
        "skm_offer": (
            "Bersediakah Anda mengisi Survei Kepuasan Masyarakat singkat (9 pertanyaan, skala 1-4)? "
            "Jawaban Anda membantu kami memperbaiki layanan."
        ),
        "skm_yes": "Isi survei",
        "skm_no": "Tidak, terima kasih",
        "skm_question": "({number}/9) {element}: bagaimana penilaian Anda?",
        "skm_skip": "Tidak berlaku",
        "skm_thanks": "Terima kasih telah mengisi survei kepuasan.",
        "my_data": (
            "<b>Data Anda yang kami simpan</b> (nomor identitas sudah disamarkan):\n"
            "Nama tampilan: {name}\nPesan tersimpan: {messages}\nTiket petugas: {tickets}\nPenilaian: {ratings}\n"
            "Pertanyaan belum terjawab: {unanswered}\n\n<b>Pesan terakhir:</b>\n{recent}\n\n"
            "Data disimpan paling lama {days} hari, hanya untuk menjawab Anda dan memperbaiki layanan, dan dapat "
            "dibaca petugas serta pengawas Kantor Imigrasi Bengkulu. Ketik /hapusdata untuk menghapusnya (UU 27/2022)."
        ),
        "my_data_none": "Kami tidak menyimpan data apa pun tentang Anda.",
        "erase_confirm": (
            "Hapus semua percakapan dan data Anda? Tiket yang sedang berjalan akan ditutup. Statistik layanan "
            "hanya menyimpan hitungan tanpa identitas."
        ),
        "erase_yes": "Ya, hapus",
        "erase_no": "Batal",
        "erased": "Data Anda telah dihapus.",
        "erase_cancelled": "Penghapusan dibatalkan.",
        "report": (
            "<b>Laporan 7 hari terakhir</b>\n"
            "Pertanyaan: {questions}\nDijawab asisten: {answered}\nDiteruskan ke petugas: {escalated}\n"
            "Median tunggu balasan pertama petugas: {median_wait}\n"
            "Jawaban dinilai membantu: {helpful}\nRata-rata nilai petugas: {rating}"
        ),
    },
    "en": {
        "empty": "Your message is empty. Please write a question about passports, visas or stay permits.",
        "no_words": "Sorry, I can only read written messages. Please type your question.",
        "language_set": "Language changed to English.",
        "more_button": "ℹ️ Details",
        "helpful": "👍 Helpful",
        "not_helpful": "👎 Not helpful",
        "officer_button": "🙋 Talk to an officer",
        "thanks_rating": "Thank you for your rating.",
        "not_helpful_reply": "Sorry that did not help. Would you like to talk to an officer?",
        "urgent": (
            "⚠️ <b>Your situation may be urgent.</b> If you are abroad, contact the nearest Indonesian "
            "embassy or consulate. If there is a threat, detention or suspected trafficking, call the police "
            "(110). You can also be connected with our staff right away:"
        ),
        "queued_open": (
            "Your question has been passed to our staff (ticket #{ticket}). An officer will reply in this "
            "chat soon; your place in the queue: {position}. Messages you send now go straight to the officer."
        ),
        "queued_closed": (
            "Your question has been passed to our staff (ticket #{ticket}). The office is closed now; an "
            "officer will reply from {opening} (Jakarta time). Messages you send now go to the officer."
        ),
        "already_queued": "You are already connected with our staff (ticket #{ticket}). Please write your message.",
        "staff_says": "👮 <b>Officer:</b> {text}",
        "ticket_closed_user": (
            "Your conversation with our staff (ticket #{ticket}) has ended and the assistant is back. "
            "How would you rate the help you received? (1 = poor, 5 = excellent)"
        ),
        "thanks_ticket_rating": "Thank you, your rating ({rating}/5) has been recorded.",
        "non_text": "Sorry, I can only read text messages. For your safety, do not send photos of documents.",
        "unavailable": (
            "Sorry, the assistant is having problems. Please try again shortly or visit "
            "www.imigrasi.go.id."
        ),
    },
}


def text(language: str, key: str, **values: str) -> str:
    """Return the sentence for a key, in Indonesian when no translation exists."""
    sentence = TEXTS.get(language, {}).get(key) or TEXTS["id"][key]
    return sentence.format(**values) if values else sentence
