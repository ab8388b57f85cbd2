package emulator

import (
	"regexp"
	"strconv"
	"strings"
	"time"
)

type actionFunc func(s *Server, c *call, p map[string]any, reqID string, now time.Time) (any, *apiError)

// actions are the four recording actions the emulator serves.
var actions = map[string]actionFunc{
	"DescribeCloudRecording": (*Server).describe,
	"CreateCloudRecording":   (*Server).create,
	"ModifyCloudRecording":   (*Server).modify,
	"DeleteCloudRecording":   (*Server).delete,
}

type describeBody struct {
	TaskId          string        `json:"TaskId"`
	Status          string        `json:"Status"`
	StorageFileList []storageFile `json:"StorageFileList"`
	RequestId       string        `json:"RequestId"`
}

type taskBody struct {
	TaskId    string `json:"TaskId"`
	RequestId string `json:"RequestId"`
}

// dispatch runs the action with the task store locked; task state is only
// ever read or changed here.
func (s *Server) dispatch(c *call, p map[string]any, reqID string) (any, *apiError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return actions[c.Action](s, c, p, reqID, s.now())
}

func missing(name string) *apiError {
	return errorf("MissingParameter."+name, "The request is missing a required parameter `%s`.", name)
}

func outOfRange(name string, lo, hi uint64) *apiError {
	return errorf("InvalidParameter.OutOfRange", "%s must be between %d and %d.", name, lo, hi)
}

func sdkAppID(p map[string]any) (uint64, *apiError) {
	n, present, valid := uintParam(p, "SdkAppId")
	if !present {
		return 0, missing("SdkAppId")
	}
	if !valid || n == 0 {
		return 0, errorf("InvalidParameter.SdkAppId", "SdkAppId must be a positive integer.")
	}
	return n, nil
}

// target reads SdkAppId and TaskId and finds the task, which must not be
// gone. Fault windows win over the task's real state.
func (s *Server) target(p map[string]any, now time.Time) (*task, *apiError) {
	app, aerr := sdkAppID(p)
	if aerr != nil {
		return nil, aerr
	}
	id, present, valid := stringParam(p, "TaskId")
	if !present || (valid && id == "") {
		return nil, missing("TaskId")
	}
	if !valid {
		return nil, errorf("InvalidParameter", "TaskId must be a string.")
	}
	if code, ok := s.windowFault(id, now); ok {
		return nil, errorf(code, "%s", messageFor(code, s.quota.limit))
	}
	t := s.tasks[id]
	if t == nil || t.appID != app || t.status(now) == statusGone {
		return nil, s.gone()
	}
	t.advance(now, s.cfg.FileEvery)
	return t, nil
}

func (s *Server) gone() *apiError {
	return errorf(s.cfg.GoneCode, "%s", messageFor(s.cfg.GoneCode, s.quota.limit))
}

func (s *Server) describe(_ *call, p map[string]any, reqID string, now time.Time) (any, *apiError) {
	t, aerr := s.target(p, now)
	if aerr != nil {
		return nil, aerr
	}
	return describeBody{TaskId: t.id, Status: t.status(now), StorageFileList: t.fileList(), RequestId: reqID}, nil
}

func (s *Server) delete(_ *call, p map[string]any, reqID string, now time.Time) (any, *apiError) {
	t, aerr := s.target(p, now)
	if aerr != nil {
		return nil, aerr
	}
	if t.running(now) {
		t.end(now, s.cfg.ExitLinger, leaveStopped)
	}
	return taskBody{t.id, reqID}, nil
}

// modify replaces the subscriptions whole (the API's semantics). A scripted
// task keeps its timeline; a task created through the API re-plans: new
// users start streaming after a delay, and with nobody left the idle clock
// runs.
func (s *Server) modify(_ *call, p map[string]any, reqID string, now time.Time) (any, *apiError) {
	t, aerr := s.target(p, now)
	if aerr != nil {
		return nil, aerr
	}
	if !t.running(now) {
		return nil, s.gone()
	}
	sub, present, valid := objParam(p, "SubscribeStreamUserIds")
	if present && !valid {
		return nil, errorf("InvalidParameter", "SubscribeStreamUserIds must be an object.")
	}
	if present {
		pairs, aerr := subscriptionPairs(sub, t.streamType, t.mixed)
		if aerr != nil {
			return nil, aerr
		}
		t.setPairs(pairs, now, s.cfg.FileEvery)
		if !t.scripted {
			t.plan(now, s.streamDelay(), s.cfg.ExitLinger)
		}
	}
	return taskBody{t.id, reqID}, nil
}

func (s *Server) streamDelay() time.Duration {
	return time.Duration(s.rng.Int64N(int64(s.cfg.StreamDelay) + 1))
}

// subscriptionPairs turns SubscribeStreamUserIds into the (user, track)
// pairs that will stream. The room holds the users named in the white
// lists, else two default users; a black list entry is a user ID or a
// regular expression such as "1.*$", as the API allows.
func subscriptionPairs(sub map[string]any, streamType uint64, mixed bool) ([]pair, *apiError) {
	lists := map[string][]string{}
	for _, name := range []string{"SubscribeAudioUserIds", "UnSubscribeAudioUserIds", "SubscribeVideoUserIds", "UnSubscribeVideoUserIds"} {
		l, ok := stringsParam(sub, name)
		if !ok {
			return nil, errorf("InvalidParameter", "SubscribeStreamUserIds.%s must be a list of strings.", name)
		}
		lists[name] = l
	}
	var room []string
	for _, u := range append(append([]string{}, lists["SubscribeAudioUserIds"]...), lists["SubscribeVideoUserIds"]...) {
		if u != "" && !contains(room, u) {
			room = append(room, u)
		}
	}
	if len(room) == 0 {
		room = defaultUsers
	}
	if len(room) > maxUsers {
		return nil, errorf("InvalidParameter.OutOfRange", "A task subscribes at most %d users.", maxUsers)
	}
	subscribed := func(track string, u string) bool {
		if track == "audio" && streamType == 2 || track == "video" && streamType == 1 {
			return false
		}
		white, black := lists["Subscribe"+strings.ToUpper(track[:1])+track[1:]+"UserIds"], lists["UnSubscribe"+strings.ToUpper(track[:1])+track[1:]+"UserIds"]
		if len(white) > 0 && !contains(white, u) {
			return false
		}
		for _, b := range black {
			if matchUser(b, u) {
				return false
			}
		}
		return true
	}
	var pairs []pair
	for _, u := range room {
		for _, track := range []string{"audio", "video"} {
			if subscribed(track, u) {
				pairs = append(pairs, pair{u, track})
			}
		}
	}
	if mixed && len(pairs) > 0 {
		track := [...]string{"audio_video", "audio", "video"}[min(streamType, 2)]
		return []pair{{"", track}}, nil
	}
	return pairs, nil
}

func contains(list []string, s string) bool {
	for _, e := range list {
		if e == s {
			return true
		}
	}
	return false
}

// matchUser reports whether a black list entry names u, literally or as a
// regular expression anchored at the start.
func matchUser(pattern, u string) bool {
	if pattern == u {
		return true
	}
	if len(pattern) > 256 || !strings.ContainsAny(pattern, `*$^[]+?()|\`) {
		return false
	}
	re, err := regexp.Compile("^(?:" + pattern + ")")
	return err == nil && re.MatchString(u)
}

// running counts the tasks of an app that are Idle or InProgress now.
func (s *Server) runningTasks(app uint64, now time.Time) int {
	n := 0
	for id, t := range s.tasks {
		switch {
		case t.status(now) == statusGone:
			if !s.owesCallbacks(t) {
				delete(s.tasks, id) // unknown and gone answer alike; free the memory
			}
		case t.appID == app && t.running(now):
			n++
		}
	}
	return n
}

func roomName(room string, roomType uint64) string {
	if roomType == 0 {
		return encodeID([]byte(room))
	}
	return room
}

func parseRoomID(room string, roomType uint64) *apiError {
	if roomType != 1 {
		return nil
	}
	if n, err := strconv.ParseUint(room, 10, 32); err != nil || n == 0 {
		return errorf("InvalidParameter.RoomId", "RoomId %q is not a positive 32-bit integer, as RoomIdType 1 (the default) requires; send RoomIdType 0 for string room IDs.", clip(room))
	}
	return nil
}
