"""``talkface serve``: file jobs, live sessions and the web page over HTTP."""
