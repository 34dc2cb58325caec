package i18n

import (
	"fmt"
	"time"
)

// Keys of the waits: how long a step will still wait, and what the traces
// step says when the doctor finds why nothing arrives.
const (
	MsgWaitLeft        Key = "msg.wait_left"
	MsgWaitPods        Key = "msg.wait_pods"
	MsgWaitLB          Key = "msg.wait_lb"
	MsgWaitTraces      Key = "msg.wait_traces"
	MsgDiagnosing      Key = "msg.diagnosing"
	MsgDiagnosedNone   Key = "msg.diagnosed_none"
	ErrTracesDiagnosed Key = "err.traces_diagnosed"
	FixTracesDiagnosed Key = "fix.traces_diagnosed"
	FixTracesDoctor    Key = "fix.traces_doctor"
	MsgMoreFindings    Key = "msg.more_findings"
	MsgCommandIs       Key = "msg.command_is"
	DxNeedsCredentials Key = "dx.needs_credentials"
	DxNeedsCluster     Key = "dx.needs_cluster"
)

func init() {
	add(map[Key]entry{
		MsgWaitLeft:   {"%s — at most %s more", "%s — 最大であと %s"},
		MsgWaitPods:   {"waiting for the daemon's pods to be Ready", "daemon の Pod が Ready になるのを待っています"},
		MsgWaitLB:     {"waiting for the load balancer of %s/%s", "%s/%s のロードバランサーを待っています"},
		MsgWaitTraces: {"waiting for the traces in X-Ray", "X-Ray にトレースが届くのを待っています"},
		MsgDiagnosing: {
			"no traces yet after %s: running the doctor's checks to find out why",
			"%s 経ってもトレースがありません: doctor のチェックで原因を調べています",
		},
		MsgDiagnosedNone: {
			"the doctor's checks found nothing wrong; still waiting for the traces",
			"doctor のチェックでは問題が見つかりませんでした。トレースを待ち続けます",
		},
		ErrTracesDiagnosed: {
			"no traces in X-Ray after %s, and the doctor's check \"%s\" says why: %s",
			"%s 経っても X-Ray にトレースがありません。doctor のチェック「%s」が原因を示しています: %s",
		},
		FixTracesDiagnosed: {
			"%s — every check, with what it saw: %s",
			"%s — すべてのチェックとその根拠: %s",
		},
		FixTracesDoctor: {
			"Run %s: it checks the daemon, its IAM role, its log and the app's daemon address, and names the fix.",
			"%s を実行してください。daemon、その IAM ロール、ログ、アプリの daemon アドレスを確認し、直し方を示します。",
		},
		MsgCommandIs: {"Command: %s", "コマンド: %s"},
		DxNeedsCredentials: {
			"not checked: needs AWS credentials (see the credentials check)",
			"未確認: AWS の認証情報が必要です (認証情報のチェックを参照)",
		},
		DxNeedsCluster: {
			"not checked: needs the Kubernetes API (see the cluster check)",
			"未確認: Kubernetes API への接続が必要です (クラスターのチェックを参照)",
		},
		MsgMoreFindings: {"(and %d more failed checks)", "(ほかに失敗したチェックが %d 件)"},
	})
}

// Duration writes d, to the second, as a person reads it in l: "1m45s",
// "2m", "45s" in English; "1分45秒", "2分", "45秒" in Japanese.
func (l Lang) Duration(d time.Duration) string {
	d = d.Round(time.Second)
	if d < 0 {
		d = 0
	}
	h, m, s := int(d/time.Hour), int(d%time.Hour/time.Minute), int(d%time.Minute/time.Second)
	units := [3]string{"h", "m", "s"}
	if l == Ja {
		units = [3]string{"時間", "分", "秒"}
	}
	out := ""
	for i, v := range [3]int{h, m, s} {
		if v > 0 {
			out += fmt.Sprintf("%d%s", v, units[i])
		}
	}
	if out == "" {
		out = "0" + units[2]
	}
	return out
}
