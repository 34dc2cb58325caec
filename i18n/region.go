package i18n

// Keys of the lab's stuck point 9, "nothing in the console": the daemon
// uploading to another region than the cluster's, its pods running with a
// config they read before it changed, and traces only from before the
// window looked at.
const (
	MsgPodsBeforeConfig    Key = "msg.pods_before_config"
	MsgRestartingConfig    Key = "msg.restarting_config"
	DxRegionElsewhere      Key = "dx.region_elsewhere"
	DxPodsRegionElsewhere  Key = "dx.pods_region_elsewhere"
	DxRegionElsewhereFix   Key = "dx.region_elsewhere_fix"
	DxTracesEarlier        Key = "dx.traces_earlier"
	DxTracesEarlierFix     Key = "dx.traces_earlier_fix"
	BreakDaemonOtherRegion Key = "break.daemon_other_region"
)

func init() {
	add(map[Key]entry{
		MsgPodsBeforeConfig: {"%d daemon pods started before configmap %s/%s last changed and run with the config they read then: restart them with kubectl rollout restart -n %s daemonset/%s",
			"daemon Pod %d 個は ConfigMap %s/%s の最後の変更より前に起動したため、そのとき読んだ設定で動いています。kubectl rollout restart -n %s daemonset/%s で再起動してください"},
		MsgRestartingConfig: {"restarting the pods of %s/%s so they read their config again", "設定を読み直させるため %s/%s の Pod を再起動しています"},
		DxRegionElsewhere: {"the daemon uploads to %s, not to %s where the cluster is: the console and the wizard look in %s and show nothing",
			"daemon の送信先は %s で、クラスターのある %s ではありません: コンソールもウィザードも %s を見るため、何も表示されません"},
		DxPodsRegionElsewhere: {"daemon pods upload to %s, not to %s where the cluster is: they read their config before it named %s",
			"daemon Pod の送信先は %s で、クラスターのある %s ではありません: Pod は設定が %s を指す前にそれを読みました"},
		DxRegionElsewhereFix: {"Put the daemon on %s: the wizard's manifest writes that Region into its config and restarts its pods, which read the config only when they start. The traces sent so far stay in %s; to see them: %s (or the console in %s).",
			"daemon を %s に向けてください: ウィザードのマニフェストが設定にその Region を書き、設定を起動時にしか読まない Pod を再起動します。これまでに送ったトレースは %s に残っています。見るには: %s (またはコンソールを %s にする)。"},
		DxTracesEarlier: {"no trace in the last %s in %s, but X-Ray has earlier ones: the newest from %s, %s ago",
			"直近 %s の間、%s にトレースはありませんが、それより前のトレースがあります: 最新は %s (%s 前)"},
		DxTracesEarlierFix: {"The time range looked at is too short: count with --since %s, and in the console pick a time range that reaches back to %s. Traces of new requests show within a minute.",
			"見ている時間範囲が短すぎます: --since %s で数え、コンソールでは %s までさかのぼる時間範囲を選んでください。新しいリクエストのトレースは 1 分以内に表示されます。"},
		BreakDaemonOtherRegion: {"the daemon's config names another region than the cluster's: the traces go there, and the console shows nothing",
			"daemon の設定がクラスターと別のリージョンを指す: トレースはそちらに送られ、コンソールには何も表示されない"},
	})
}
