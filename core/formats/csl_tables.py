"""The tables CSL-JSON export and import share: BibTeX/BibLaTeX entry types
<-> CSL types (pandoc's getTypeAndGenre; back the way pandoc writes BibLaTeX),
biblatex's localisation keys in English (`phdthesis` -> "PhD thesis"), and
babel language names <-> IETF tags (pandoc's toIETF)."""

from __future__ import annotations

CSL_TYPES = {
    "article": "article-journal", "book": "book", "booklet": "pamphlet", "bookinbook": "chapter",
    "collection": "book", "dataset": "dataset", "electronic": "webpage", "inbook": "chapter",
    "incollection": "chapter", "inreference": "entry-encyclopedia", "inproceedings": "paper-conference",
    "conference": "paper-conference", "manual": "book", "mastersthesis": "thesis", "misc": "document",
    "mvbook": "book", "mvcollection": "book", "mvproceedings": "book", "mvreference": "book", "online": "webpage",
    "patent": "patent", "periodical": "article-journal", "phdthesis": "thesis", "proceedings": "book",
    "reference": "book", "report": "report", "software": "software", "suppbook": "chapter",
    "suppcollection": "chapter", "suppperiodical": "article-journal", "techreport": "report", "thesis": "thesis",
    "unpublished": "manuscript", "www": "webpage", "artwork": "graphic", "audio": "song", "commentary": "book",
    "image": "graphic", "jurisdiction": "legal_case", "legislation": "legislation", "legal": "treaty",
    "letter": "personal_communication", "movie": "motion_picture", "music": "song", "performance": "speech",
    "review": "review", "standard": "standard", "video": "motion_picture", "data": "dataset",
    "letters": "personal_communication", "newsarticle": "article-newspaper",
}
# CSL type -> BibLaTeX entry type (a chapter with editors is an incollection).
BIBLATEX_TYPES = {
    "article": "misc", "article-journal": "article", "article-magazine": "article", "article-newspaper": "article",
    "book": "book", "chapter": "inbook", "classic": "book", "collection": "collection", "dataset": "dataset",
    "document": "misc", "entry": "inreference", "entry-dictionary": "inreference",
    "entry-encyclopedia": "inreference", "event": "misc", "graphic": "artwork", "legal_case": "jurisdiction",
    "legislation": "legislation", "manuscript": "unpublished", "motion_picture": "movie", "pamphlet": "booklet",
    "paper-conference": "inproceedings", "patent": "patent", "performance": "performance",
    "periodical": "periodical", "personal_communication": "letter", "post": "online", "post-weblog": "online",
    "report": "report", "review": "review", "review-book": "review", "software": "software", "song": "audio",
    "speech": "unpublished", "standard": "standard", "thesis": "thesis", "treaty": "legal", "webpage": "online",
}
BIBSTRINGS = {
    "phdthesis": "PhD thesis", "mathesis": "Master’s thesis", "candthesis": "Candidate thesis",
    "techreport": "technical report", "resreport": "research report", "software": "computer software",
    "datacd": "CD-ROM", "audiocd": "audio CD", "newseries": "new series", "oldseries": "old series",
    "jourser": "series", "inpress": "in press", "inpreparation": "in preparation", "submitted": "submitted",
    "forthcoming": "forthcoming", "prepublished": "pre-published", "patent": "patent",
    "patentus": "U.S. patent", "patentde": "German patent", "patenteu": "European patent",
    "patentfr": "French patent", "patentuk": "British patent", "patreqde": "German patent request",
    "patreqeu": "European patent request",
    "patreqfr": "French patent request", "patrequs": "U.S. patent request", "countryde": "Germany",
    "countryeu": "European Union", "countryfr": "France", "countryuk": "United Kingdom", "countryus": "USA",
}
# CSL genre -> biblatex `type` key (what a thesis or report is).
GENRE_KEYS = {text.lower(): key for key, text in BIBSTRINGS.items()} | {
    "master's thesis": "mathesis", "masters thesis": "mathesis", "ph.d. thesis": "phdthesis",
    "doctoral thesis": "phdthesis", "phd dissertation": "phdthesis"}
IETF = {
    "american": "en-US", "english": "en-US", "usenglish": "en-US", "british": "en-GB", "ukenglish": "en-GB",
    "canadian": "en-CA", "australian": "en-AU", "newzealand": "en-NZ", "german": "de-DE", "ngerman": "de-DE",
    "austrian": "de-AT", "naustrian": "de-AT", "swissgerman": "de-CH", "nswissgerman": "de-CH",
    "french": "fr-FR", "francais": "fr-FR", "canadien": "fr-CA", "spanish": "es-ES", "italian": "it-IT",
    "portuguese": "pt-PT", "portuges": "pt-PT", "brazil": "pt-BR", "brazilian": "pt-BR", "dutch": "nl-NL",
    "danish": "da-DK", "swedish": "sv-SE", "norsk": "nb-NO", "nynorsk": "nn-NO", "finnish": "fi-FI",
    "icelandic": "is-IS", "polish": "pl-PL", "czech": "cs-CZ", "slovak": "sk-SK", "slovene": "sl-SL",
    "croatian": "hr-HR", "serbian": "sr-RS", "hungarian": "hu-HU", "magyar": "hu-HU", "romanian": "ro-RO",
    "russian": "ru-RU", "ukrainian": "uk-UA", "bulgarian": "bg-BG", "greek": "el-GR", "turkish": "tr-TR",
    "hebrew": "he-IL", "arabic": "ar", "latin": "la", "catalan": "ca-AD", "galician": "gl-ES", "basque": "eu-ES",
    "estonian": "et-EE", "latvian": "lv-LV", "lithuanian": "lt-LT", "irish": "ga-IE", "welsh": "cy-GB",
    "japanese": "ja-JP", "chinese": "zh-CN", "korean": "ko-KR", "vietnamese": "vi-VN", "thai": "th-TH",
    "afrikaans": "af-ZA", "albanian": "sq-AL", "indonesian": "id-ID", "malay": "ms-MY", "hindi": "hi-IN",
}
# IETF tag (or its language) -> babel name, for import.
BABEL = {"en-US": "american", "en-GB": "british", "de-DE": "ngerman", "de-AT": "naustrian", "de-CH": "nswissgerman",
         "fr-FR": "french", "pt-PT": "portuguese", "pt-BR": "brazilian"} | {
    tag.split("-")[0]: name for name, tag in reversed(list(IETF.items()))} | {"en": "english", "de": "ngerman"}


def to_ietf(language: str) -> str | None:
    """A babel / polyglossia language name as an IETF tag (unknown names as given)."""
    if not language:
        return None
    return IETF.get(language, language)


def ordinal(number: str) -> str:
    """ "1" -> "1st", "3" -> "3rd", "11" -> "11th" (English)."""
    n = int(number)
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"
