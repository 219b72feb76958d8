"""Early warning (issue 24): subscriptions, their evaluation against the data, and delivery by e-mail.

subscriptions.py  who follows what (the monthly highlights, a post, a country, a border pair, a threshold rule
                  on a post), the role rules, and each person's last visit
evaluate.py       what is new for a subscription: the monthly highlights' own findings
                  (geo.overview.highlights.find_highlights) narrowed to its post, country or border, and the
                  threshold rules on the same roll-ups and the same seasonal rule; never a rule of its own
mail.py           one mail per subscription and run: plain text and HTML (every text from data escaped), in the
                  subscriber's language and the region's formats, the brief PDF for the highlights; SMTP
run.py            `python -m geo alerts run`: record each alert once (unique per subscription and alert),
                  claim it, send, mark sent only what the mail server accepted
cli.py            `python -m geo alerts subscribe|list|unsubscribe|run`
"""
