"""The Meta sandbox: a local fake of Facebook Login and the Graph API calls the Meta connector
makes, with a fake world (world.py) and its state in the database (state.py)."""
