"""The top layer, like rq's worker or huey's consumer: the scheduler that fires
timers and escalations, and the mailer that drains the outbox.
"""
