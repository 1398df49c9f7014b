// The ECS agent's settings in an instance's user data, as ECS's documentation writes them: either the
// /etc/ecs/ecs.config lines themselves (`ECS_CLUSTER=name`), or a shell script that writes them there
// (`echo ECS_CLUSTER=name >> /etc/ecs/ecs.config`, quoted or not, or a heredoc `cat <<EOF >> /etc/ecs/ecs.config`).
// Only ECS_* settings are read; everything else a script does is not run.

const SETTING = /^(ECS_[A-Z0-9_]+)=(.*)$/;
const ECHO = /^echo\s+(?:-e\s+)?(["']?)(ECS_[A-Z0-9_]+=.*?)\1\s*>>?\s*\/etc\/ecs\/ecs\.config\s*;?\s*$/;
const HEREDOC = /^cat\s+(?:<<-?\s*(["']?)(\w+)\1\s*>>?\s*\/etc\/ecs\/ecs\.config|>>?\s*\/etc\/ecs\/ecs\.config\s+<<-?\s*(["']?)(\w+)\3)\s*$/;

const unquote = (value: string) => (/^(["']).*\1$/.test(value) ? value.slice(1, -1) : value);

/** The ECS_* settings user data gives the agent: the last of each wins, as the agent reads its config file. */
export function ecsSettings(userData: string): Record<string, string> {
  const settings: Record<string, string> = {};
  const set = (line: string) => {
    const m = SETTING.exec(line.trim());
    if (m) settings[m[1]!] = unquote(m[2]!.trim());
  };
  const lines = userData.split(/\r?\n/);
  const script = lines[0]?.startsWith('#!') ?? false;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (!script) {
      set(line);
      continue;
    }
    const echo = ECHO.exec(line);
    if (echo) {
      set(echo[2]!);
      continue;
    }
    const heredoc = HEREDOC.exec(line);
    if (heredoc) {
      const end = heredoc[2] ?? heredoc[4]!;
      for (i++; i < lines.length && lines[i]!.trim() !== end; i++) set(lines[i]!);
    }
  }
  return settings;
}
