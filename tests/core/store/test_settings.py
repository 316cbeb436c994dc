"""The settings file: shared by the window and the command line; a bad file
falls back to the defaults instead of stopping Lectern."""

from __future__ import annotations

from lectern.core.store.settings import attach_mode, load_settings, save_setting, settings_path


def test_files_are_copied_unless_the_user_chose_links() -> None:
    assert attach_mode() == "copy"
    save_setting("attach_mode", "link")
    assert attach_mode() == "link" and settings_path().exists()


def test_a_bad_settings_file_gives_the_defaults() -> None:
    settings_path().parent.mkdir(parents=True, exist_ok=True)
    for text in ("{not json", '["a list"]', '{"attach_mode": "move"}', '{"attach_mode": 3}'):
        settings_path().write_text(text, encoding="utf-8")
        assert load_settings()["attach_mode"] == "copy"
