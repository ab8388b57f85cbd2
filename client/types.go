package client

// Request and response types of the recording actions the client sends,
// field for field as the TRTC API (version 2019-07-22) documents them:
// Describe, and Create and Delete for the demo's feeder and the tests against
// the emulator. A watcher never modifies a task, so Modify is not here (the
// emulator still serves it, for the SDK's own calls). The per-product SDK
// module is not available to us, so these mirror its models: pointer fields
// with omitempty, so an unset field is left out of the request rather than
// sent as a zero that the API would read as a value.

// service, version and the action names the client sends.
const (
	service = "trtc"
	version = "2019-07-22"

	ActionDescribe = "DescribeCloudRecording"
	actionCreate   = "CreateCloudRecording"
	actionDelete   = "DeleteCloudRecording"
)

// Regions are the only regions the recording APIs serve.
var Regions = []string{"ap-beijing", "ap-guangzhou", "ap-mumbai", "ap-shanghai", "ap-singapore"}

// describeCloudRecordingRequest asks for one task's status and files.
type describeCloudRecordingRequest struct {
	SdkAppId    *uint64 `json:"SdkAppId,omitempty"`
	TaskId      *string `json:"TaskId,omitempty"`
	RecorderKey *string `json:"RecorderKey,omitempty"`
}

// DescribeCloudRecordingResponse is the task as the API sees it now.
// StorageFileList is empty by design when the task stores to VOD.
type DescribeCloudRecordingResponse struct {
	TaskId          *string        `json:"TaskId,omitempty"`
	Status          *string        `json:"Status,omitempty"`
	StorageFileList []*StorageFile `json:"StorageFileList,omitempty"`
	RecorderKey     *string        `json:"RecorderKey,omitempty"`
	RequestId       *string        `json:"RequestId,omitempty"`

	// Raw is the answer's Response object as it came over the wire
	// (bounded, secrets redacted), for the describe view's "raw JSON". It
	// is never sent or decoded.
	Raw []byte `json:"-"`

	// FilesCut is how many files past maxFiles the answer listed and the
	// client dropped (0 when none were), so a view can say the list is cut.
	FilesCut int `json:"-"`
}

// StorageFile is one M3U8 index file a task has written to COS.
// BeginTimeStamp is Unix milliseconds.
type StorageFile struct {
	UserId         *string `json:"UserId,omitempty"`
	FileName       *string `json:"FileName,omitempty"`
	TrackType      *string `json:"TrackType,omitempty"`
	BeginTimeStamp *uint64 `json:"BeginTimeStamp,omitempty"`
}

// CreateCloudRecordingRequest starts a recording task.
type CreateCloudRecordingRequest struct {
	SdkAppId            *uint64        `json:"SdkAppId,omitempty"`
	RoomId              *string        `json:"RoomId,omitempty"`
	UserId              *string        `json:"UserId,omitempty"`
	UserSig             *string        `json:"UserSig,omitempty"`
	RecordParams        *RecordParams  `json:"RecordParams,omitempty"`
	StorageParams       *StorageParams `json:"StorageParams,omitempty"`
	RoomIdType          *uint64        `json:"RoomIdType,omitempty"`
	ResourceExpiredHour *uint64        `json:"ResourceExpiredHour,omitempty"`
	PrivateMapKey       *string        `json:"PrivateMapKey,omitempty"`
}

// CreateCloudRecordingResponse carries the new task's ID.
type CreateCloudRecordingResponse struct {
	TaskId    *string `json:"TaskId,omitempty"`
	RequestId *string `json:"RequestId,omitempty"`
}

// RecordParams says what a task records and when it gives up.
type RecordParams struct {
	RecordMode             *uint64                 `json:"RecordMode,omitempty"`
	MaxIdleTime            *uint64                 `json:"MaxIdleTime,omitempty"`
	StreamType             *uint64                 `json:"StreamType,omitempty"`
	SubscribeStreamUserIds *SubscribeStreamUserIds `json:"SubscribeStreamUserIds,omitempty"`
	OutputFormat           *uint64                 `json:"OutputFormat,omitempty"`
	AvMerge                *uint64                 `json:"AvMerge,omitempty"`
	MaxMediaFileDuration   *uint64                 `json:"MaxMediaFileDuration,omitempty"`
	MediaId                *uint64                 `json:"MediaId,omitempty"`
	FillType               *uint64                 `json:"FillType,omitempty"`
	SubscribeAbility       *uint64                 `json:"SubscribeAbility,omitempty"`
}

// SubscribeStreamUserIds lists whose streams a task records.
type SubscribeStreamUserIds struct {
	SubscribeAudioUserIds   []*string `json:"SubscribeAudioUserIds,omitempty"`
	UnSubscribeAudioUserIds []*string `json:"UnSubscribeAudioUserIds,omitempty"`
	SubscribeVideoUserIds   []*string `json:"SubscribeVideoUserIds,omitempty"`
	UnSubscribeVideoUserIds []*string `json:"UnSubscribeVideoUserIds,omitempty"`
}

// StorageParams holds exactly one of CloudStorage (COS/AWS, files listed by
// Describe) or CloudVod (VOD, files only reported by callback).
type StorageParams struct {
	CloudStorage *CloudStorage `json:"CloudStorage,omitempty"`
	CloudVod     *CloudVod     `json:"CloudVod,omitempty"`
}

// CloudStorage is a COS (Vendor 0) or AWS (Vendor 1) bucket.
type CloudStorage struct {
	Vendor         *uint64   `json:"Vendor,omitempty"`
	Region         *string   `json:"Region,omitempty"`
	Bucket         *string   `json:"Bucket,omitempty"`
	AccessKey      *string   `json:"AccessKey,omitempty"`
	SecretKey      *string   `json:"SecretKey,omitempty"`
	FileNamePrefix []*string `json:"FileNamePrefix,omitempty"`
}

// CloudVod sends the recording to Tencent Cloud VOD.
type CloudVod struct {
	TencentVod *TencentVod `json:"TencentVod,omitempty"`
}

// TencentVod are the VOD upload options.
type TencentVod struct {
	Procedure          *string `json:"Procedure,omitempty"`
	ExpireTime         *uint64 `json:"ExpireTime,omitempty"`
	StorageRegion      *string `json:"StorageRegion,omitempty"`
	ClassId            *uint64 `json:"ClassId,omitempty"`
	SubAppId           *uint64 `json:"SubAppId,omitempty"`
	SessionContext     *string `json:"SessionContext,omitempty"`
	SourceContext      *string `json:"SourceContext,omitempty"`
	MediaType          *uint64 `json:"MediaType,omitempty"`
	UserDefineRecordId *string `json:"UserDefineRecordId,omitempty"`
}

// DeleteCloudRecordingRequest stops a task. Upload may go on afterwards.
type DeleteCloudRecordingRequest struct {
	SdkAppId *uint64 `json:"SdkAppId,omitempty"`
	TaskId   *string `json:"TaskId,omitempty"`
}

// DeleteCloudRecordingResponse echoes the task.
type DeleteCloudRecordingResponse struct {
	TaskId    *string `json:"TaskId,omitempty"`
	RequestId *string `json:"RequestId,omitempty"`
}
