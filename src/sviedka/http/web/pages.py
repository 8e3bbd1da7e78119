"""What every page shares: the user, the language, the archive, and rendering a template.

Routes ask for a ``Page`` (logged in) or a ``PublicPage`` (the login page) as a dependency and
call ``page.render(template, context)``. One Jinja2 environment is kept per language, with that
language's catalogue installed (the i18n extension, new-style gettext: ``_("Hello %(name)s",
name=…)`` escapes its arguments).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache, cached_property
from pathlib import Path
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from ...model import Record, VocabTerm
from ...policy import PUBLIC, Permission, Principal, can
from ...services.accounts import User
from ...services.archive.audit import audit_reads
from ...services.archive.folder import Archive
from ...services.records.guarded import AUDITED
from ..deps import account_user, client_ip, current_user, optional_user, principal_for
from ..sessions import csrf_token
from . import labels
from .i18n import COOKIE, LANGUAGES, pick_language, translations
from .queries import titles

__all__ = [
    "EXIT_URL",
    "IDLE_SECONDS",
    "AccountPageDep",
    "Page",
    "PageDep",
    "PublicPageDep",
    "environment",
]

TEMPLATES = Path(__file__).parent / "templates"
EXIT_URL = "https://www.wikipedia.org/"  # neutral, and reachable from nearly everywhere
IDLE_SECONDS = 15 * 60


@cache
def environment(lang: str) -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(["html"]),
        extensions=["jinja2.ext.i18n"],
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.install_gettext_translations(translations(lang), newstyle=True)  # type: ignore[attr-defined]
    env.globals.update(labels.template_globals(lang))
    return env


@dataclass
class Page:
    request: Request
    user: User | None
    lang: str

    @property
    def archive(self) -> Archive:
        archive: Archive = self.request.app.state.archive
        return archive

    @property
    def me(self) -> User:
        """The logged-in user (pages that need one get it from ``current_user``)."""
        assert self.user is not None
        return self.user

    @cached_property
    def principal(self) -> Principal:
        """The logged-in user as the policy knows them: what every use case is given."""
        return principal_for(self.me)

    def gettext(self, message: str, **values: Any) -> str:
        text = translations(self.lang).gettext(message)
        return text % values if values else text

    def audit(self, what: str, records: Iterable[Record]) -> None:
        """Log that the user was shown these records, for those confidential or restricted
        (before the page is sent: if the log cannot be written, nothing is shown)."""
        refs = [r.id for r in records if r.confidentiality in AUDITED]
        if refs:
            audit_reads(self.archive.store, self.principal, what, refs, ip=client_ip(self.request))

    def titles(self, ids: Iterable[str]) -> dict[str, Record]:
        """The readable records among ``ids`` that the page names (linked courts, sources…),
        by id; the confidential and restricted ones are audited as listed."""
        found = titles(self.archive.store, self.principal, ids)
        self.audit("list", found.values())
        return found

    def term(self, vocab: str, code: str | None) -> str:
        """A vocabulary code's label in the page's language (the code itself if unknown)."""
        if not code:
            return ""
        cache: dict[str, dict[str, VocabTerm]] = self.__dict__.setdefault("_vocabs", {})
        if vocab not in cache:
            reader = PUBLIC if self.user is None else self.principal  # vocabularies: alike
            with self.archive.store.view(reader) as view:
                cache[vocab] = {t.code: t for t in view.vocabulary(vocab).terms}
        found = cache[vocab].get(code)
        return found.label(self.lang) if found else code

    def can(self, permission: Permission) -> bool:
        return self.user is not None and can(self.principal, permission)

    def render(
        self,
        template: str,
        context: Mapping[str, Any] | None = None,
        *,
        status: int = 200,
        section: str | None = None,
    ) -> HTMLResponse:
        page = environment(self.lang).get_template(template)
        html = page.render(self._common(section), **(context or {}))
        return HTMLResponse(html, status_code=status)

    def _common(self, section: str | None) -> dict[str, Any]:
        user = self.user
        return {
            "lang": self.lang,
            "languages": LANGUAGES,
            "user": user,
            "page": self,
            "csrf": csrf_token(self.request) if user else None,
            "here": _local_path(self.request),
            "section": section,
            "nav": labels.navigation(self) if user and not user.must_change_password else [],
            "role_label": labels.role_label(self, user.role) if user else "",
            "archive_name": self.archive.config.name,
            "exit_url": EXIT_URL,
            "idle_seconds": _idle_seconds(self.request),
            "flash": None,
            "enum_label": lambda group, value: labels.enum_label(self, group, value),
            "may": lambda permission: self.can(Permission(permission)),
            "term": self.term,
            "keys_available": getattr(self.request.app.state, "keys", None) is not None,
        }


def _idle_seconds(request: Request) -> int:
    """The client's timer logs out a little before the server's session would expire."""
    config = getattr(request.app.state, "config", None)
    minutes = getattr(config, "session_idle_minutes", IDLE_SECONDS // 60)
    return max(60, int(minutes) * 60 - 30)


def _local_path(request: Request) -> str:
    """The path to come back to after switching language: the path only, never the query."""
    return request.url.path


def _language(request: Request, user: User | None) -> str:
    return pick_language(
        user.language if user else None,
        request.cookies.get(COOKIE),
        request.headers.get("accept-language"),
    )


def _page(request: Request, user: Annotated[User, Depends(current_user)]) -> Page:
    return Page(request, user, _language(request, user))


def _public_page(request: Request, user: Annotated[User | None, Depends(optional_user)]) -> Page:
    return Page(request, user, _language(request, user))


def _account_page(request: Request, user: Annotated[User, Depends(account_user)]) -> Page:
    return Page(request, user, _language(request, user))


PageDep = Annotated[Page, Depends(_page)]
PublicPageDep = Annotated[Page, Depends(_public_page)]
# The user's own account: open also to a user who must change their password (and nothing else).
AccountPageDep = Annotated[Page, Depends(_account_page)]
