package i18n

// Keys of the pods step's wait for pods that do not come up.
const (
	MsgPodCreating      Key = "msg.pod_creating"
	ErrPodsRolloutStuck Key = "err.pods_rollout_stuck"
)

func init() {
	add(map[Key]entry{
		MsgPodCreating: {"pod %s has been ContainerCreating for over a minute: its node has not started it (a volume it waits for?); kubectl describe pod -n %s %s says why",
			"Pod %s が 1 分以上 ContainerCreating のままです: ノードが起動していません (待っているボリュームがある?)。理由は kubectl describe pod -n %s %s で確認できます"},
		ErrPodsRolloutStuck: {"the daemon's pods did not settle within %s: %d pods for %d nodes, not one new Ready pod on each: %s",
			"daemon の Pod が %s 以内に揃いませんでした: Pod %d 個に対しノード %d 個で、各ノードに新しい Ready の Pod が 1 つずつになっていません: %s"},
	})
}
