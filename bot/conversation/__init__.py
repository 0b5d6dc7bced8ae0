"""Pure conversation rules: what residents' answers mean and what to say back — no database, no Rasa.

Why pure: these rules are where the assistant is most often wrong in residents' eyes (a phone number inside a
sentence, "two weeks ago on a Sunday", a question asked at the name prompt), so each is a plain function with
table-driven tests that run in milliseconds. The Rasa actions call them; they never call Rasa.
"""
