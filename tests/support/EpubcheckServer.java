// EPUBCheck in one Java process for many EPUBs (tests/support/epub-checkers.ts): each line of the
// standard input holds the arguments of one `java -jar epubcheck.jar` run, tab-separated; after
// each run, a line `\u0001done <exit code>` on the standard output. The checker is the packaged
// one (com.adobe.epubcheck.tool.EpubChecker, what the jar's main calls), so a run reports what
// the command line reports; only the Java start and the schemas' compilation (about 3 s) are
// shared. The process ends with its standard input.
import com.adobe.epubcheck.tool.EpubChecker;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

public class EpubcheckServer {
  public static void main(String[] ignored) throws Exception {
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    for (String line = in.readLine(); line != null; line = in.readLine()) {
      int code;
      try {
        code = new EpubChecker().run(line.split("\t"));
      } catch (Throwable error) {
        error.printStackTrace();
        code = -1;
      }
      System.out.println("\u0001done " + code);
      System.out.flush();
    }
  }
}
