package emulator

import (
	"strings"
	"time"

	"github.com/trtcwatch/trtcwatch/callback"
)

// create validates a CreateCloudRecording request with the documented
// MissingParameter/InvalidParameter codes, in the order the fields appear on
// the API page, then starts a task whose simulated users stream after a
// random delay of up to Config.StreamDelay.
func (s *Server) create(_ *call, p map[string]any, reqID string, now time.Time) (any, *apiError) {
	app, aerr := sdkAppID(p)
	if aerr != nil {
		return nil, aerr
	}
	var room, robot string
	for _, f := range []struct {
		name string
		dst  *string
	}{{"RoomId", &room}, {"UserId", &robot}, {"UserSig", nil}} {
		v, aerr := requiredString(p, f.name)
		if aerr != nil {
			return nil, aerr
		}
		if f.dst != nil {
			*f.dst = v
		}
	}
	rp, present, valid := objParam(p, "RecordParams")
	if !present {
		return nil, missing("RecordParams")
	}
	if !valid {
		return nil, errorf("InvalidParameter", "RecordParams must be an object.")
	}
	mode, present, valid := uintParam(rp, "RecordMode")
	if !present {
		return nil, missing("RecordMode")
	}
	if !valid || mode < 1 || mode > 2 {
		return nil, outOfRange("RecordParams.RecordMode", 1, 2)
	}
	var streamType, maxIdle, format uint64
	for _, o := range []struct {
		m         map[string]any
		name      string
		dst       *uint64
		def, l, h uint64
	}{
		{rp, "StreamType", &streamType, 0, 0, 2},
		{rp, "MaxIdleTime", &maxIdle, 30, 5, 86400},
		{rp, "OutputFormat", &format, 0, 0, 4},
		{rp, "MaxMediaFileDuration", nil, 1440, 1, 1440},
		{rp, "MediaId", nil, 0, 0, 2},
		{p, "RoomIdType", nil, 1, 0, 1},
		{p, "ResourceExpiredHour", nil, 72, 6, 720},
	} {
		v, aerr := optUint(o.m, o.name, o.def, o.l, o.h)
		if aerr != nil {
			return nil, aerr
		}
		if o.dst != nil {
			*o.dst = v
		}
	}
	roomType, _ := optUint(p, "RoomIdType", 1, 0, 1)
	if aerr := parseRoomID(room, roomType); aerr != nil {
		return nil, aerr
	}
	vod, prefix, aerr := storageParams(p)
	if aerr != nil {
		return nil, aerr
	}
	sub, present, valid := objParam(rp, "SubscribeStreamUserIds")
	if present && !valid {
		return nil, errorf("InvalidParameter", "RecordParams.SubscribeStreamUserIds must be an object.")
	}
	pairs, aerr := subscriptionPairs(sub, streamType, mode == 2)
	if aerr != nil {
		return nil, aerr
	}
	if s.runningTasks(app, now) >= maxConcurrentTasks {
		return nil, errorf("FailedOperation.RestrictedConcurrency", "The maximum of %d concurrent recording tasks for this SdkAppId has been reached.", maxConcurrentTasks)
	}
	id := newTaskID()
	for s.tasks[id] != nil {
		id = newTaskID()
	}
	t := &task{
		id:         id,
		appID:      app,
		roomID:     roomName(room, roomType),
		prefix:     prefix,
		vod:        vod,
		mixed:      mode == 2,
		streamType: streamType,
		maxIdle:    time.Duration(maxIdle) * time.Second,
		steps:      []step{{now, statusIdle}},
		pairs:      pairs,
		have:       map[pair]bool{},
		created:    now,
		room:       callback.RoomID{ID: room, Numeric: roomType == 1},
		robot:      robot,
		mp4:        !vod && (format == 1 || format == 3), // HLS+MP4 or MP4
	}
	t.plan(now, s.streamDelay(), s.cfg.ExitLinger)
	s.tasks[id] = t
	return taskBody{id, reqID}, nil
}

// storageParams checks StorageParams: exactly one of CloudStorage (all of
// Vendor, Region, Bucket, AccessKey, SecretKey) and CloudVod.
func storageParams(p map[string]any) (vod bool, prefix string, aerr *apiError) {
	sp, present, valid := objParam(p, "StorageParams")
	if !present {
		return false, "", missing("StorageParams")
	}
	if !valid {
		return false, "", errorf("InvalidParameter", "StorageParams must be an object.")
	}
	cs, csPresent, csValid := objParam(sp, "CloudStorage")
	_, vodPresent, vodValid := objParam(sp, "CloudVod")
	switch {
	case csPresent && vodPresent:
		return false, "", errorf("InvalidParameter", "StorageParams takes one of CloudStorage and CloudVod, not both.")
	case vodPresent && !vodValid, csPresent && !csValid:
		return false, "", errorf("InvalidParameter", "StorageParams.CloudStorage and .CloudVod must be objects.")
	case vodPresent:
		return true, "", nil
	case !csPresent:
		return false, "", missing("CloudStorage")
	}
	vendor, present, valid := uintParam(cs, "Vendor")
	if !present {
		return false, "", missing("Vendor")
	}
	if !valid || vendor > 1 {
		return false, "", outOfRange("CloudStorage.Vendor", 0, 1)
	}
	for _, name := range []string{"Region", "Bucket", "AccessKey", "SecretKey"} {
		if _, aerr := requiredString(cs, name); aerr != nil {
			return false, "", aerr
		}
	}
	parts, ok := stringsParam(cs, "FileNamePrefix")
	if !ok {
		return false, "", errorf("InvalidParameter", "CloudStorage.FileNamePrefix must be a list of strings.")
	}
	for _, part := range parts {
		if part == "" || len(part) > 64 || strings.Trim(part, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-") != "" {
			return false, "", errorf("InvalidParameter", "CloudStorage.FileNamePrefix entries hold 1 to 64 letters, digits, '_' or '-'.")
		}
	}
	return false, strings.Join(parts, "/"), nil
}

func requiredString(m map[string]any, name string) (string, *apiError) {
	v, present, valid := stringParam(m, name)
	if !present || (valid && v == "") {
		return "", missing(name)
	}
	if !valid {
		return "", errorf("InvalidParameter", "%s must be a string.", name)
	}
	return v, nil
}

// optUint reads an optional integer within [lo, hi], def when absent.
func optUint(m map[string]any, name string, def, lo, hi uint64) (uint64, *apiError) {
	v, present, valid := uintParam(m, name)
	if !present {
		return def, nil
	}
	if !valid || v < lo || v > hi {
		return 0, outOfRange(name, lo, hi)
	}
	return v, nil
}
