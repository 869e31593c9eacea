/**
 * Microsoft Defender XDR's `DeviceNetworkEvents` (advanced hunting, also in Sentinel) written the way the
 * flow rules read it. The table names the device's end `LocalIP`/`LocalPort` and the other `RemoteIP`/
 * `RemotePort` whichever opened the connection; `ActionType` says which: `InboundConnectionAccepted` is a
 * connection the device accepted (the remote end its source), the others (`ConnectionSuccess`,
 * `ConnectionFailed`, `ConnectionRequest`, `ConnectionAttempt`, `ConnectionAcknowledged`, `ConnectionFound`)
 * connections it opened. `ConnectionFailed` did not pass: a `failure` verdict, as ECS's `event.outcome`.
 */
import pl from "nodejs-polars";
import { columnNames, columnOf, frameHeight, frameOf } from "../../common/frames";
import { textSeries } from "../../common/dtypes";
import { HELPER_PREFIX } from "./types";

export const MDE_SOURCE = `${HELPER_PREFIX}mde_src`;
export const MDE_DESTINATION = `${HELPER_PREFIX}mde_dst`;
export const MDE_SOURCE_PORT = `${HELPER_PREFIX}mde_src_port`;
export const MDE_DESTINATION_PORT = `${HELPER_PREFIX}mde_dst_port`;
export const MDE_DIRECTION = `${HELPER_PREFIX}mde_direction`;
export const MDE_VERDICT = `${HELPER_PREFIX}mde_verdict`;

/** The `ActionType`s that are connections (the table's other events: listening sockets, inspections of a connection already logged). */
export const MDE_CONNECTION_ACTIONS = ["ConnectionSuccess", "ConnectionFailed", "ConnectionRequest", "ConnectionAttempt", "ConnectionAcknowledged", "ConnectionFound", "InboundConnectionAccepted"] as const;

function values(df: pl.DataFrame, name: string): (string | null)[] {
  const n = frameHeight(df);
  return columnNames(df).includes(name) ? (textSeries(columnOf(df, name)).toArray() as (string | null)[]) : new Array<null>(n).fill(null);
}

/** The frame with each connection's source and destination (address and port), direction and verdict as helper columns. */
export function prepareMdeNetwork(df: pl.DataFrame): pl.DataFrame {
  const action = values(df, "ActionType");
  const local = values(df, "LocalIP");
  const remote = values(df, "RemoteIP");
  const localPort = values(df, "LocalPort");
  const remotePort = values(df, "RemotePort");
  const inbound = action.map((a) => a?.trim().toLowerCase() === "inboundconnectionaccepted");
  const pick = (a: (string | null)[], b: (string | null)[]) => inbound.map((i, k) => (i ? b[k] : a[k]));
  return frameOf([
    ...columnNames(df).map((c) => columnOf(df, c)),
    pl.Series(MDE_SOURCE, pick(local, remote), pl.Utf8),
    pl.Series(MDE_DESTINATION, pick(remote, local), pl.Utf8),
    pl.Series(MDE_SOURCE_PORT, pick(localPort, remotePort), pl.Utf8),
    pl.Series(MDE_DESTINATION_PORT, pick(remotePort, localPort), pl.Utf8),
    pl.Series(MDE_DIRECTION, inbound.map((i, k) => (action[k] === null ? null : i ? "inbound" : "outbound")), pl.Utf8),
    pl.Series(MDE_VERDICT, action.map((a) => (a?.trim().toLowerCase() === "connectionfailed" ? "failure" : null)), pl.Utf8),
  ]);
}
