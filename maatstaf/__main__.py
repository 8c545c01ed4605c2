from maatstaf.cli import app

app()
