"""The login page: a plain HTML form in the reader's language, served by Flask before any
of the dashboard is sent (it needs no script and no file of the dashboard's own).

Every value written into the page is escaped: the name typed, the page to return to."""

from html import escape
from urllib.parse import urlencode

from dashboard.i18n import t

STYLE = """
body { font-family: "Noto Sans CJK SC", "Noto Sans SC", system-ui, sans-serif; margin: 0;
       background: #f5f7fa; color: #1f2933; font-size: 14px; }
main { max-width: 360px; margin: 12vh auto 0; background: #fff; border: 1px solid #d9e2ec;
       border-radius: 10px; padding: 24px 28px 28px; }
.top { display: flex; align-items: center; gap: 12px; }
h1 { font-size: 18px; margin: 0; }
h2 { font-size: 16px; margin: 18px 0 12px; }
.lang-switch { margin-left: auto; border: 1px solid #d9e2ec; border-radius: 6px;
               padding: 3px 10px; color: #2563eb; text-decoration: none; white-space: nowrap; }
label { display: block; margin: 12px 0 4px; color: #627d98; font-size: 13px; }
input { box-sizing: border-box; width: 100%; padding: 8px 10px; font-size: 15px;
        border: 1px solid #d9e2ec; border-radius: 6px; }
button { margin-top: 20px; width: 100%; padding: 9px; font-size: 15px; color: #fff;
         background: #2563eb; border: 0; border-radius: 6px; cursor: pointer; }
.message { margin: 12px 0 0; padding: 8px 10px; border-radius: 6px; background: #fef2f2;
           color: #dc2626; }
.message.note { background: #eef2f7; color: #1f2933; }
"""


def login_page(
    lang: str, *, next_path: str, name: str = "", message: str = "", is_error: bool = True
) -> str:
    other = "en" if lang == "zh" else "zh"
    switch = "/login?" + urlencode({"lang": other, "next": next_path})
    shown = ""
    if message:
        role = "alert" if is_error else "status"
        kind = "message" if is_error else "message note"
        shown = f'<p class="{kind}" role="{role}" id="login-message">{escape(message)}</p>'
    return f"""<!DOCTYPE html>
<html lang="{lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="same-origin">
<title>{escape(t("login.title", lang))} · {escape(t("app.title", lang))}</title>
<style>{STYLE}</style>
</head>
<body>
<main>
<div class="top">
<h1>{escape(t("app.title", lang))}</h1>
<a class="lang-switch" id="login-lang" href="{escape(switch)}">{escape(t("lang.switch", lang))}</a>
</div>
<h2>{escape(t("login.title", lang))}</h2>
{shown}
<form method="post" action="/login" id="login-form">
<input type="hidden" name="lang" value="{lang}">
<input type="hidden" name="next" value="{escape(next_path)}">
<label for="login-name">{escape(t("login.name", lang))}</label>
<input id="login-name" name="name" value="{escape(name)}" autocomplete="username"
 maxlength="200" required autofocus>
<label for="login-password">{escape(t("login.password", lang))}</label>
<input id="login-password" name="password" type="password" autocomplete="current-password"
 maxlength="1024" required>
<button type="submit" id="login-submit">{escape(t("login.submit", lang))}</button>
</form>
</main>
</body>
</html>
"""


def notice_page(key: str) -> str:
    """A page that only says why the dashboard does not answer, in Chinese and English
    both (nobody has chosen a language yet)."""
    said = "\n".join(
        f'<p class="message" role="alert" lang="{lang}" id="notice-{lang}">'
        f"{escape(t(key, lang))}</p>"
        for lang in ("zh", "en")
    )
    return f"""<!DOCTYPE html>
<html lang="zh">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(t("app.title", "zh"))} · {escape(t("app.title", "en"))}</title>
<style>{STYLE}</style>
</head>
<body>
<main>
<h1>{escape(t("app.title", "zh"))} · {escape(t("app.title", "en"))}</h1>
{said}
</main>
</body>
</html>
"""
