package workflows

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	commonpb "go.temporal.io/api/common/v1"
	historypb "go.temporal.io/api/history/v1"
	"go.temporal.io/api/proxy"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"

	"derma2go/config"
	"derma2go/secure"
	"derma2go/secure/payloadcodec"
)

// recordedHistories is every history in testdata, as the replay tests
// above list them.
func recordedHistories() []string {
	all := append([]string{}, emailAdviceHistories...)
	all = append(all, appointmentPathHistories...)
	all = append(all, walkInQueueHistory)
	return append(all, walkInHistories...)
}

func replayCodec(t *testing.T) *payloadcodec.Codec {
	t.Helper()
	f, err := secure.NewFields([]config.NamedKey{{ID: "k2026", Key: bytes.Repeat([]byte{7}, 32)}}, bytes.Repeat([]byte{8}, 32))
	if err != nil {
		t.Fatal(err)
	}
	return payloadcodec.New(f)
}

func codecReplayer(dc converter.DataConverter) worker.WorkflowReplayer {
	opts := worker.WorkflowReplayerOptions{DataConverter: dc}
	if dc != nil {
		opts.FailureConverter = payloadcodec.FailureConverter(dc)
	}
	r, err := worker.NewWorkflowReplayerWithOptions(opts)
	if err != nil {
		panic(err)
	}
	r.RegisterWorkflowWithOptions(EmailAdviceWorkflow, workflow.RegisterOptions{Name: EmailAdviceWorkflowType})
	r.RegisterWorkflowWithOptions(AppointmentWorkflow, workflow.RegisterOptions{Name: AppointmentWorkflowType})
	r.RegisterWorkflowWithOptions(WalkInWorkflow, workflow.RegisterOptions{Name: WalkInWorkflowType})
	r.RegisterWorkflowWithOptions(WalkInQueueWorkflow, workflow.RegisterOptions{Name: WalkInQueueWorkflowType})
	return r
}

func loadHistory(t *testing.T, name string) *historypb.History {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	h, err := client.HistoryFromJSON(f, client.HistoryJSONOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return h
}

// TestReplayPlainHistoriesWithThePayloadCodec replays every recorded
// history, written before payloads were encrypted, with the workers' data
// converter (payloadcodec): workflows in flight when the codec is rolled out
// carry on.
func TestReplayPlainHistoriesWithThePayloadCodec(t *testing.T) {
	dc := payloadcodec.DataConverter(replayCodec(t))
	for _, name := range recordedHistories() {
		t.Run(name, func(t *testing.T) {
			if err := codecReplayer(dc).ReplayWorkflowHistory(testLogger(t), loadHistory(t, name)); err != nil {
				t.Fatalf("replay %s with the codec: %v", name, err)
			}
		})
	}
}

// TestReplayEncryptedHistories seals every payload of each recorded history
// (as a worker with the codec writes them) and replays it with the codec; the
// same history does not replay without it, so the codec is what reads it.
func TestReplayEncryptedHistories(t *testing.T) {
	codec := replayCodec(t)
	dc := payloadcodec.DataConverter(codec)
	for _, name := range recordedHistories() {
		t.Run(name, func(t *testing.T) {
			h := loadHistory(t, name)
			sealed := 0
			err := proxy.VisitPayloads(context.Background(), h, proxy.VisitPayloadsOptions{
				SkipSearchAttributes: true,
				Visitor: func(_ *proxy.VisitPayloadsContext, ps []*commonpb.Payload) ([]*commonpb.Payload, error) {
					sealed += len(ps)
					return codec.Encode(ps)
				},
			})
			if err != nil {
				t.Fatal(err)
			}
			if sealed == 0 {
				t.Fatal("no payload in the history")
			}
			raw, err := h.Marshal()
			if err != nil {
				t.Fatal(err)
			}
			if strings.Contains(string(raw), "ConsultationID") {
				t.Fatal("a payload stayed in clear")
			}
			if err := codecReplayer(dc).ReplayWorkflowHistory(testLogger(t), h); err != nil {
				t.Fatalf("replay of the encrypted %s: %v", name, err)
			}
			if err := codecReplayer(nil).ReplayWorkflowHistory(testLogger(t), h); err == nil {
				t.Fatalf("the encrypted %s replayed without the codec", name)
			}
		})
	}
}
