"""Every command, action id and callback id clubbot listens to.

tests/test_manifest.py checks these against app.yaml in both directions.
"""

COMMAND = "/club"

# Encouragement: path, nudges, privacy.
PROGRESS_TICK_PREFIX = "progress_tick:"  # + step key: one button per self-ticked step
PROGRESS_TICK_PATTERN = r"^progress_tick:[a-z_]*$"
NUDGES_OFF = "nudges_off"
FORGET_CONFIRM = "forget_confirm"
FORGET_CANCEL = "forget_cancel"

# Club meetings (handlers/meetings/)
MEETING_GOING = "meeting_rsvp_going"
MEETING_MAYBE = "meeting_rsvp_maybe"
MEETING_CANT = "meeting_rsvp_cant"
MEETING_RSVP_ALL = "meeting_rsvp_all_future"
MEETING_CALENDAR = "meeting_add_to_calendar"
MEETING_EDIT = "meeting_edit"
MEETING_CANCEL = "meeting_cancel"
MEETING_CANCEL_CONFIRM = "meeting_cancel_confirm"
MEETING_DMS_OFF = "meeting_reminder_dms_off"
MEETING_MARK_ATTENDANCE = "meeting_mark_attendance"
MEETING_SCHEDULE_VIEW = "meeting_schedule_modal"
MEETING_ATTENDANCE_VIEW = "meeting_attendance_modal"

# FAQ answering (handlers/faq.py)
FAQ_HELPFUL = "faq_helpful"
FAQ_NOT_HELPFUL = "faq_not_helpful"
FAQ_SUGGESTION = "faq_suggestion"
FAQ_ASK_MENTOR = "faq_ask_mentor"
FAQ_ANSWER = "faq_answer"
FAQ_SAVE = "faq_save"
FAQ_REMOVE_CONFIRM = "faq_remove_confirm"
FAQ_REMOVE_CANCEL = "faq_remove_cancel"
FAQ_LIST_PAGE = "faq_list_page"
FAQ_ANSWER_MODAL = "faq_answer_modal"
FAQ_ENTRY_MODAL = "faq_entry_modal"
FAQ_LIST_PREVIOUS = "faq_list_previous"
FAQ_LEARNED_APPROVE = "faq_learned_approve"
FAQ_LEARNED_DROP = "faq_learned_drop"
FAQ_VERIFY = "faq_verify"

# Mentor pairing (handlers/mentoring.py)
MENTOR_SIGNUP_VIEW = "mentor_signup_modal"
MENTOR_REQUEST_VIEW = "mentor_request_modal"
MENTOR_REQUEST_OPEN = "mentor_request_open"  # the "Find me a mentor" button (FAQ, App Home)
MENTOR_OFFER_ACCEPT = "mentor_offer_accept"
MENTOR_OFFER_DECLINE = "mentor_offer_decline"
MENTOR_CHECKIN_MET = "mentor_checkin_met"
MENTOR_CHECKIN_NOT_YET = "mentor_checkin_not_yet"
MENTOR_CHECKIN_END = "mentor_checkin_end"
MENTOR_ROUND_CONFIRM = "mentor_round_confirm"

# App Home (handlers/home.py). Home buttons have no response_url, so they get their own
# listeners, which answer by refreshing the Home (or a DM) instead of respond().
HOME_REFRESH = "home_refresh"
HOME_RSVP_GOING = "home_rsvp_going"
HOME_RSVP_MAYBE = "home_rsvp_maybe"
HOME_RSVP_CANT = "home_rsvp_cant"
HOME_NUDGES_TOGGLE = "home_nudges_toggle"
HOME_SCHEDULE_MEETING = "home_schedule_meeting"
HOME_PAIRING_ROUND = "home_pairing_round"
HOME_REPORT = "home_report"

# Launch campaigns (handlers/campaigns/)
CAMPAIGN_FORM_VIEW = "campaign_form_modal"
CAMPAIGN_POST_VIEW = "campaign_post_modal"
CAMPAIGN_JOIN = "campaign_join"
CAMPAIGN_DECLINE = "campaign_decline"
CAMPAIGN_INVITES_OFF = "campaign_invites_off"
CAMPAIGN_POSTED = "campaign_posted"
CAMPAIGN_CANCEL_CONFIRM = "campaign_cancel_confirm"
CAMPAIGN_CANCEL_KEEP = "campaign_cancel_keep"
