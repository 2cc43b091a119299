"""The web: pages per role, the JSON API and log-in, on the same application object the CLI opens.

    app.py         the FastAPI application (create_app, and from_environ for Uvicorn's workers)
    serve.py       `pdsa serve`: Uvicorn's workers and the scheduler as a process beside them
    commands.py    the table of commands: each row makes an API route (api.py) and a form's route (forms.py)
    actions.py     carrying out one command from either door: who, may they see it, which version
    api.py         /api/v1: the commands, and the reads with their versions as ETags
    forms.py       the pages' forms: the same paths without /api/v1, answered with the next page
    pages.py       the pages, and the charts as SVG
    pages_base.py  rendering: templates/web/ in the reader's language, cookies
    login.py       log-in by mailed link, log-out
    auth.py        links, sessions, API tokens and the limit on asking, over store.py's tables
    identity.py    who is asking (a session's cookie or an API token) and their CSRF token
    errors.py      every failure as a page or as JSON, with its status code
    i18n.py        the Danish catalogue (locale/da/LC_MESSAGES/web.po) and Accept-Language
"""
