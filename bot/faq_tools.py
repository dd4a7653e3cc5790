"""Staff commands for the FAQ: check, preview, reload, and the unanswered questions."""

from __future__ import annotations

import argparse
import sys
from html import unescape
from pathlib import Path
from typing import TextIO

from actions import dialogue
from actions.faq import FAQ_DIR, load_faq, today_in_bengkulu, visible_text
from bot import storage, texts
from bot.assistant import Reply
from bot.desk.keyboards import reply_buttons
from bot.desk.markup import to_html
from bot.learning import AddError, add_example, group_unanswered
from bot.normalize import Normalizer
from bot.settings import Settings
from bot.telegram.render import split_message
from bot.training import model_path


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Sub-commands of `python -m bot faq`."""
    commands = parser.add_subparsers(dest="faq_command", required=True)
    commands.add_parser("check", help="validate faq/ and list stale entries")
    preview = commands.add_parser("preview", help="show one entry as Telegram users see it")
    preview.add_argument("id", help="topic id, e.g. paspor_biaya")
    commands.add_parser("reload", help="validate and tell the running bot's state after an edit")
    unanswered = commands.add_parser("unanswered", help="list unanswered questions grouped by wording")
    unanswered.add_argument("--add", metavar="KEY", help="add the group's first message as an example (key from the list)")
    unanswered.add_argument("--topic", help="topic id to add the example to (with --add)")


def run(args: argparse.Namespace, settings: Settings, out: TextIO = sys.stdout, faq_dir: Path = FAQ_DIR) -> int:
    """Carry out one FAQ command."""
    command = args.faq_command
    if command == "check":
        return check(settings, out, faq_dir)
    if command == "preview":
        return preview(args.id, out, faq_dir)
    if command == "reload":
        return reload(out, faq_dir)
    return unanswered(args, settings, out, faq_dir)


def check(settings: Settings, out: TextIO, faq_dir: Path = FAQ_DIR) -> int:
    """Print every problem with file and line; list stale entries; exit 1 on problems."""
    faq = load_faq(faq_dir)
    for problem in faq.problems:
        print(f"KESALAHAN {problem}", file=out)
    stale = faq.stale(today_in_bengkulu(), settings.faq_stale_days)
    for entry in stale:
        print(f"PERLU DITINJAU {entry.source}:{entry.line}: {entry.id} terakhir diperiksa {entry.reviewed} "
              f"(lebih dari {settings.faq_stale_days} hari)", file=out)
    print(f"{len(faq.entries)} entri, {len(faq.notices)} pemberitahuan, {len(faq.problems)} kesalahan, "
          f"{len(stale)} perlu ditinjau.", file=out)
    return 1 if faq.problems else 0


def preview(faq_id: str, out: TextIO, faq_dir: Path = FAQ_DIR) -> int:
    """Print an entry's answer in each language as Telegram shows it, under a warning while faq/ has errors.

    A running bot serves no edit while any file has an error, so every error is listed; exit 1 then.
    """
    faq = load_faq(faq_dir)
    if faq.problems:
        print("⚠️ ADA KESALAHAN — TIDAK AKAN TAYANG: bot tetap memakai isi terakhir yang valid sampai semua "
              "kesalahan ini diperbaiki.", file=out)
        for problem in faq.problems:
            print(f"KESALAHAN {problem}", file=out)
    entry = faq.get(faq_id)
    if entry is None and faq.problems:
        print(f"Topik {faq_id!r} tidak dapat dibaca: perbaiki dulu kesalahan di atas.", file=out)
        return 1
    if entry is None:
        print(f"Topik {faq_id!r} tidak ada. Contoh id: {', '.join(sorted(faq.entries)[:5])} ...", file=sys.stderr)
        return 1
    notices = faq.notices_for(faq_id, today_in_bengkulu())
    for language in ("id", "en") if entry.answer_en else ("id",):
        response = dialogue.answer(entry, language, notices)
        reply = Reply(response.text, response.outcome, faq_id=faq_id, language=language)
        html = to_html(response.text)
        print(f"===== {'Bahasa Indonesia' if language == 'id' else 'English'} "
              f"({len(split_message(html))} pesan Telegram) =====", file=out)
        print(unescape(visible_text(html)), file=out)
        for row in reply_buttons(reply, details=bool(entry.details)):
            print("  " + "  ".join(f"[{button.label}]" for button in row), file=out)
        if entry.details:
            print(f"----- {texts.text(language, 'more_button')} -----", file=out)
            print(unescape(visible_text(to_html(entry.more(language)))), file=out)
    return 1 if faq.problems else 0


def reload(out: TextIO, faq_dir: Path = FAQ_DIR) -> int:
    """Validate the content a running bot would load, and say whether retraining follows."""
    faq = load_faq(faq_dir)
    if faq.problems:
        for problem in faq.problems:
            print(f"KESALAHAN {problem}", file=out)
        print("Isi FAQ tidak valid: bot yang berjalan tetap memakai isi terakhir yang valid.", file=out)
        return 1
    print(f"Isi FAQ valid ({len(faq.entries)} entri, {len(faq.notices)} pemberitahuan). Bot yang berjalan "
          f"memuat jawaban, tautan, tanggal dan pemberitahuan baru dalam beberapa detik, tanpa restart.", file=out)
    if not model_path(faq).exists():
        print("Contoh pertanyaan berubah: bot melatih model baru di latar belakang (model lama tetap menjawab "
              "sampai model baru siap), atau jalankan `python -m bot train`.", file=out)
    return 0


def unanswered(args: argparse.Namespace, settings: Settings, out: TextIO, faq_dir: Path = FAQ_DIR) -> int:
    """List unanswered messages grouped by wording; with --add, turn one group into an example."""
    db = storage.open_database(settings.database)
    groups = group_unanswered(storage.open_unanswered(db), Normalizer.load())
    if args.add is not None:
        group = next((g for g in groups if g.key == args.add.strip().lower()), None)
        if not args.topic:
            print("Gunakan --add KODE --topic ID_TOPIK (KODE dari daftar `faq unanswered`).", file=sys.stderr)
            return 2
        if group is None:
            print(f"Kelompok {args.add!r} tidak ada di daftar `faq unanswered` (mungkin sudah ditambahkan).",
                  file=sys.stderr)
            return 2
        try:
            path = add_example(args.topic, group.texts[0], faq_dir)
        except AddError as exc:
            print(f"Gagal: {exc}", file=sys.stderr)
            return 1
        storage.mark_added(db, group.ids, args.topic)
        print(f"Ditambahkan ke {path} sebagai contoh {args.topic}: {group.texts[0]!r}", file=out)
        return 0
    for group in groups:
        guess = f" (tebakan model: {group.top_guess})" if group.top_guess else ""
        print(f"{group.key} [{len(group.ids)}x] {group.texts[0]}{guess}", file=out)
        for other in group.texts[1:4]:
            print(f"      juga: {other}", file=out)
    print(f"{len(groups)} kelompok dari {sum(len(g.ids) for g in groups)} pertanyaan belum terjawab.", file=out)
    return 0
