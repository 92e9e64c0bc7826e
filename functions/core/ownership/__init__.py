"""Who owns a URL: each platform's URL rules (``rules``), normalisation (``urls``) and
resolution to a recipient (``resolve``)."""
