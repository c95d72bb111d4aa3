"""Training replay in the app: controller, map layer, time slider, side panel and window.

The main window opens it with one line::

    from app.replay.window import open_replay_window; open_replay_window(self, db_url=url)
"""
