package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/samwise-sam/samwise/internal/account"
	"github.com/samwise-sam/samwise/internal/measure"
	"github.com/samwise-sam/samwise/internal/store"
)

// Answers received on paper, by phone or otherwise, recorded on the
// campaign's page by whoever runs the campaign (the same rule as sending
// and closing it). They count in the NPS like answers through a link; each
// answer keeps its channel (survey_responses.channel), which the answers
// list shows beside it and the answers export has a column for.

type answerForm struct {
	Contact    picker
	Score      string
	Comment    string
	ReceivedOn string
	Channel    string
	Scores     []int
	Channels   []answerChannel
	MaxComment int
	Errors     formErrors
}

type answerChannel struct{ Value, Label string }

var answerChannels = []answerChannel{{store.ChannelPaper, "On paper"}, {store.ChannelPhone, "By phone"}, {store.ChannelOther, "Other"}}

// channelNotes are the labels beside an answer that did not come through
// the respondent's link (an answer through it has none).
var channelNotes = map[string]string{store.ChannelPaper: "on paper", store.ChannelPhone: "by phone", store.ChannelOther: "received otherwise"}

// answerRow is one answer of the campaign page's list.
type answerRow struct {
	store.SurveyAnswer
	Via string // "" through the link, else how it was received
}

func answerRows(as []store.SurveyAnswer) []answerRow {
	out := make([]answerRow, len(as))
	for i, a := range as {
		out[i] = answerRow{SurveyAnswer: a, Via: channelNotes[a.Channel]}
	}
	return out
}

// exportSurveyAnswers answers every answer of the campaign the page lists
// (the same need-to-know rule, newest first) as CSV or Excel — all of
// them, whatever the page's cap shows.
func (h *handler) exportSurveyAnswers(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	id, err := pathID(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	sc := h.guard.Scope(ctx)
	if _, err := h.db.Campaign(ctx, sc, id); err != nil {
		h.fail(w, r, err)
		return
	}
	as, err := h.db.SurveyAnswers(ctx, sc, store.AnswerFilter{CampaignID: id, VisibleTo: h.guard.VisibleTo(ctx)})
	if err != nil {
		h.fail(w, r, err)
		return
	}
	rows := make([][]any, 0, len(as))
	for i := len(as) - 1; i >= 0; i-- {
		a := as[i]
		key := "no"
		if a.KeyContact {
			key = "yes"
		}
		rows = append(rows, []any{a.ID, account.DateOf(a.At.In(h.loc())).String(), a.AccountID, a.AccountName, a.RespondentID, a.ContactName,
			key, a.Tier, a.ManagerName, a.Score, string(measure.CategoryOf(a.Score)), a.Channel, a.Comment})
	}
	if err := writeTable(w, r.URL.Query().Get("format"), "nps-answers-"+strconv.FormatInt(id, 10),
		[]string{"id", "answered_on", "account_id", "account", "contact_id", "contact", "key_contact", "tier", "manager",
			"score", "category", "channel", "comment"}, rows); err != nil {
		h.log.ErrorContext(ctx, "export survey answers", "err", err)
	}
}

var answerLabels = map[string]string{"stakeholder_id": "Contact", "score": "Score", "comment": "Comment",
	"received_on": "Received on", "channel": "Received"}

func (h *handler) newAnswerForm(campaignID int64) answerForm {
	return answerForm{ReceivedOn: h.today().String(), Channel: store.ChannelPaper,
		Scores: []int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, Channels: answerChannels,
		MaxComment: measure.MaxComment,
		Contact: picker{ID: "stakeholder", Name: "stakeholder_id", Label: "Contact", Required: true,
			Source: "/measures/surveys/" + strconv.FormatInt(campaignID, 10) + "/contacts",
			Hint:   "The contact’s name or id: a stakeholder of an account this campaign covers.",
			JSHint: "Type part of the name and choose from the list: contacts of the accounts this campaign covers."}}
}

// recordSurveyAnswer saves an answer received outside the respondent's
// link, or shows the form again with what to fix under each field.
func (h *handler) recordSurveyAnswer(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	id, err := pathID(r)
	if err == nil {
		err = parseForm(w, r)
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	sc, visible := h.guard.Scope(ctx), h.guard.VisibleTo(ctx)
	if _, err := h.db.Campaign(ctx, sc, id); err != nil {
		h.fail(w, r, err)
		return
	}
	f := h.newAnswerForm(id)
	pf := r.PostForm
	f.Score, f.Comment = strings.TrimSpace(pf.Get("score")), pf.Get("comment")
	f.ReceivedOn, f.Channel = strings.TrimSpace(pf.Get("received_on")), strings.TrimSpace(pf.Get("channel"))
	// Today where the server's clock is, as the form's default date is.
	a := store.ReceivedAnswer{CampaignID: id, Comment: f.Comment, Channel: f.Channel, VisibleTo: visible, Today: h.today(), Loc: h.loc()}

	// The contact: typed (without JavaScript, or typed and not chosen)
	// wins over a chip.
	if typed := strings.TrimSpace(pf.Get("stakeholder_text")); typed != "" {
		m, err := h.db.CampaignContactByRef(ctx, sc, id, typed, visible)
		if err != nil {
			h.fail(w, r, err)
			return
		}
		switch len(m.Picks) {
		case 1:
			a.StakeholderID = m.Picks[0].ID
		case 0:
			f.Contact.Text = typed
			f.Errors.add("stakeholder_id", "Contact", "must be a contact of an account this campaign covers: none is called "+quoteRef(typed)+"")
		default:
			f.Contact.Text = typed
			n := strconv.Itoa(len(m.Picks))
			if m.More {
				n += " or more"
			}
			f.Errors.add("stakeholder_id", "Contact", quoteRef(typed)+" is the name of "+n+" contacts of this campaign: "+candidates(m))
		}
	} else if v := pf["stakeholder_id"]; len(v) > 0 {
		sid, err := strconv.ParseInt(strings.TrimSpace(v[len(v)-1]), 10, 64)
		if err != nil || sid <= 0 {
			f.Errors.add("stakeholder_id", "Contact", "must be a contact of an account this campaign covers")
		}
		a.StakeholderID = sid
	} else {
		f.Errors.add("stakeholder_id", "Contact", "must be chosen: type part of the name of a contact of an account this campaign covers")
	}
	if a.Score, err = strconv.Atoi(f.Score); err != nil {
		f.Errors.add("score", "Score", "must be chosen: a whole number from 0 to 10")
		a.Score = -1
	}
	if a.ReceivedOn, err = account.ParseDate(f.ReceivedOn); err != nil {
		f.Errors.add("received_on", "Received on", "must be a date")
	}
	if !f.Errors.Any() {
		_, err := h.db.RecordReceivedAnswer(ctx, sc, a)
		if err == nil {
			http.Redirect(w, r, "/measures/surveys/"+strconv.FormatInt(id, 10)+"?recorded=1#answers", http.StatusSeeOther)
			return
		}
		if !formProblem(err) {
			h.fail(w, r, err)
			return
		}
		f.Errors.fromError(err, answerLabels)
	} else if err := store.CheckReceivedAnswer(a); err != nil {
		// The form's own checks failed: add the store's checks of the
		// other fields, so every field says what is wrong at once.
		f.Errors.fromError(err, answerLabels)
	}
	if f.Errors.Summary == "" {
		f.Errors.Summary = "Please correct the highlighted fields."
	}
	f.Errors.arrange([]string{"stakeholder_id", "score", "received_on", "channel", "comment"},
		map[string]string{"stakeholder_id": "stakeholder", "score": "score-0", "channel": "channel-" + store.ChannelPaper})
	// Show the chosen contact as a chip again, if it is one the campaign
	// covers.
	if a.StakeholderID > 0 && f.Errors.Field("stakeholder_id") == "" {
		p, err := h.db.CampaignContact(ctx, sc, id, a.StakeholderID, visible)
		if err == nil {
			f.Contact.Chosen = []store.Pick{p}
		} else if account.ErrorCode(err) != account.ENOTFOUND {
			h.fail(w, r, err)
			return
		}
	}
	f.Contact.Error = f.Errors.Field("stakeholder_id")
	h.renderSurvey(w, r, http.StatusUnprocessableEntity, id, f)
}
