"""The user pool's hosted sign-in pages in the site's look (Cognito's classic UI
customisation: only its ``*-customizable`` classes, at most 3 KB of CSS). The local stack's
sign-in page links the site's own stylesheet instead (``local/oidc.py``)."""

from __future__ import annotations

# The design system's light colours (web/public/style.css): accent, text, error.
SIGN_IN_CSS = """
.background-customizable { background-color: #ffffff; }
.banner-customizable { background-color: #0b5cad; padding: 16px 0; }
.label-customizable { color: #1b1d21; font-weight: 600; }
.textDescription-customizable { color: #4a4f57; }
.inputField-customizable { min-height: 44px; border: 1px solid #4a4f57; border-radius: 8px; }
.inputField-customizable:focus { border-color: #0b5cad; outline: 3px solid #f9ab00; }
.submitButton-customizable { min-height: 44px; background-color: #0b5cad; border-color: #0b5cad;
  border-radius: 8px; font-weight: 600; }
.submitButton-customizable:hover { background-color: #084a8c; border-color: #084a8c; }
.errorMessage-customizable { color: #a00000; background-color: #fff4e5; border: 1px solid #b35c00;
  border-radius: 8px; }
.legalText-customizable { color: #4a4f57; }
.redirect-customizable { color: #0b5cad; }
""".strip()
