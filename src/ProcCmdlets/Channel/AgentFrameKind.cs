namespace ProcCmdlets.Channel
{
    /// <summary>
    /// The kind byte of a frame between the session and a host agent (docs/protocol.md, "The host
    /// agent"): one connection carries the channels of all of a host's workers, each frame tagged
    /// with the worker it is for.
    /// </summary>
    internal enum AgentFrameKind : byte
    {
        // Session to agent.
        Configure = 1,
        Start = 2,
        Data = 3,
        Close = 4,
        Kill = 5,
        Ack = 6,

        // Agent to session.
        Started = 33,
        Output = 34,
        Console = 35,
        Exited = 36,
        Consumed = 37,
    }
}
