"""Input channels of our own for Rasa.

Why: Rasa 3.6's built-in Twilio connector neither verifies Twilio's signature nor maps numbered
replies back to buttons, and it uses the raw phone number as the conversation id. `sms.SmsInput`
replaces it; the pure text rules it follows live in `sms_text` so they can be tested on their own.
The website widget needs no channel of its own: it uses Rasa's REST channel (see `bot.widget`).
"""
